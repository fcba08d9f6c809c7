//! The raw archive as a WARC file: a `warcinfo` record, then a `response` record per archived
//! page and article (the status line and headers as served, or rebuilt for documents archived
//! before headers were kept, then the exact bytes), then a record per stored medium: `response`
//! with the head it was served with where the archive kept it, else `resource` (the bytes with
//! their content type).
//!
//! What must stay true: documents stream from the database to the output one at a time, and
//! media are read from the media store one at a time; nothing holds the archive.

use std::io::Write;

use chrono::Utc;
use epaper_common::config::SizeCaps;
use epaper_common::messages::{DocKind, HttpHead};
use epaper_indexer::media::MediaStore;
use epaper_indexer::{ExportFilter, MediaRow, Store};
use indicatif::ProgressBar;

use super::fields;
use super::http::head_of;
use super::write::{RecordHead, WarcWriter};

/// What went into a WARC export.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Exported {
    /// `response` records of pages and articles.
    pub n_documents: u64,
    /// Of them, those whose headers were rebuilt from the stored fields.
    pub n_synthesized: u64,
    /// Records of media (`response`, or `resource` where no head was kept).
    pub n_media: u64,
    /// Media the `media` table lists whose bytes the media store does not hold.
    pub n_media_missing: u64,
}

/// Writes the archive's raw documents and media matching `filter` to `out` as WARC/1.1.
/// Without a media store, media are left out (and the `warcinfo` record says so).
pub async fn write_warc<W: Write>(
    store: &Store,
    filter: &ExportFilter,
    media: Option<&MediaStore>,
    caps: SizeCaps,
    out: W,
    bar: &ProgressBar,
) -> anyhow::Result<(Exported, W)> {
    let mut warc = WarcWriter::new(out);
    let info = warcinfo(filter, media);
    let head = RecordHead {
        warc_type: "warcinfo",
        target_uri: None,
        date: Utc::now(),
        content_type: "application/warc-fields",
        fields: Vec::new(),
    };
    warc.write(&head, b"", info.as_bytes())?;
    let mut exported = Exported::default();
    store
        .each_raw_document(filter, |doc| {
            let bytes = doc.inflate(caps).map_err(|error| {
                std::io::Error::other(format!("raw document {}: {error}", doc.url))
            })?;
            let (http, synthesized) = head_of(&doc, bytes.len());
            let mut extra = vec![
                (fields::SITE, doc.site.clone()),
                (fields::ISSUE_DATE, doc.issue_date.to_string()),
                (fields::KIND, doc.kind.as_str().to_string()),
            ];
            if synthesized {
                extra.push((
                    fields::SYNTHESIZED,
                    "status line and headers rebuilt".into(),
                ));
                exported.n_synthesized += 1;
            }
            let head = RecordHead {
                warc_type: "response",
                target_uri: Some(&doc.url),
                date: doc.fetched_at,
                content_type: "application/http;msgtype=response",
                fields: extra,
            };
            warc.write(&head, &http, &bytes)?;
            exported.n_documents += 1;
            bar.inc(1);
            Ok(())
        })
        .await?;
    if let Some(media) = media {
        write_media(store, filter, media, caps, &mut warc, &mut exported, bar).await?;
    }
    Ok((exported, warc.finish()?))
}

/// A `resource` record per stored medium matching `filter`, its bytes read from `media`.
async fn write_media<W: Write>(
    store: &Store,
    filter: &ExportFilter,
    media: &MediaStore,
    caps: SizeCaps,
    warc: &mut WarcWriter<W>,
    exported: &mut Exported,
    bar: &ProgressBar,
) -> anyhow::Result<()> {
    for row in store.media_rows(filter).await? {
        let kind = DocKind::parse(&row.kind).filter(|kind| kind.is_media());
        let Some(kind) = kind else {
            anyhow::bail!("media row {}: unknown kind {:?}", row.url, row.kind);
        };
        // The row's size is checked before the bytes are read: a medium over the crawl cap of
        // its kind was not written by this archive's crawler.
        if u64::try_from(row.size).map_or(true, |size| size > caps.of(kind)) {
            anyhow::bail!(
                "medium {} of {} bytes is over the crawl cap of its kind",
                row.url,
                row.size
            );
        }
        let Some(bytes) = media.get(&row.sha256).await? else {
            tracing::warn!(url = %row.url, sha256 = %row.sha256, "medium missing from the media store");
            exported.n_media_missing += 1;
            continue;
        };
        let content_type = row
            .content_type
            .as_deref()
            .filter(|ct| epaper_common::messages::is_field_value(ct) && !ct.is_empty())
            .unwrap_or("application/octet-stream");
        let fields = vec![
            (fields::SITE, row.site.clone()),
            (fields::ISSUE_DATE, row.issue_date.to_string()),
            (fields::KIND, kind.as_str().to_string()),
            (fields::OWNER, row.owner_url.clone()),
        ];
        // With the head it was served with: a `response` record, as for pages and articles;
        // a medium archived without one (or imported from a `resource`) stays a `resource`.
        let (warc_type, content_type, http) = match kept_head_of(&row) {
            Some(http) => ("response", "application/http;msgtype=response", http),
            None => ("resource", content_type, Vec::new()),
        };
        let head = RecordHead {
            warc_type,
            target_uri: Some(&row.url),
            date: row.fetched_at,
            content_type,
            fields,
        };
        warc.write(&head, &http, &bytes)?;
        exported.n_media += 1;
        bar.inc(1);
    }
    Ok(())
}

/// The status line and headers a medium was served with, when the archive kept them; a head
/// that does not read back (a row written by hand) is left out, with a warning.
fn kept_head_of(row: &MediaRow) -> Option<Vec<u8>> {
    let status = u16::try_from(row.http_status?).ok()?;
    match serde_json::from_str::<HttpHead>(row.http_head.as_deref()?) {
        Ok(head) => Some(super::http::kept_head(status, &head)),
        Err(error) => {
            tracing::warn!(url = %row.url, %error, "unreadable http_head of a medium: exported as a resource");
            None
        }
    }
}

/// The `warcinfo` record's fields: the software, the format, what was selected, and how to
/// read epaper's own fields.
fn warcinfo(filter: &ExportFilter, media: Option<&MediaStore>) -> String {
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    let or_all = |value: Option<String>| value.unwrap_or_else(|| "all".into());
    let filter = format!(
        "site={} from={} to={}",
        clean(&or_all(filter.site.clone())),
        or_all(filter.from.map(|d| d.to_string())),
        or_all(filter.to.map(|d| d.to_string())),
    );
    let media = match media {
        Some(_) => {
            "included, as response records with the status line and headers they were served \
             with, or as resource records where the archive kept none"
        }
        None => "not included (no media store: --media-dir or media.dir)",
    };
    [
        ("software", format!("epaper/{}", env!("CARGO_PKG_VERSION"))),
        ("format", "WARC File Format 1.1".into()),
        (
            "conformsTo",
            "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
                .into(),
        ),
        ("description", "raw documents of an epaper archive".into()),
        ("epaper-filter", filter),
        ("epaper-media", media.into()),
        (
            "epaper-note",
            format!(
                "records with an {} field were archived before response headers were kept; \
                 their status line and headers are rebuilt from the stored status, \
                 Content-Type, ETag, Last-Modified and the length of the bytes",
                fields::SYNTHESIZED
            ),
        ),
    ]
    .iter()
    .map(|(name, value)| format!("{name}: {value}\r\n"))
    .collect()
}

//! Reading WARC files of any origin: a gzip member per record, the whole file one gzip stream,
//! or plain. Records are handed on one at a time; nothing holds more than one record.
//!
//! What must stay true: a record's header is read up to [`MAX_HEADER_BYTES`] and its block is
//! allocated only when its `Content-Length` is under the cap the caller gives (a larger block is
//! read past, not held, and reported as too large); a truncated or corrupt file is an error
//! naming the byte offset where the record or gzip member that broke begins.

use std::io::{self, BufRead, BufReader, Read};

/// The most bytes of WARC header (version line and fields) read of one record.
pub const MAX_HEADER_BYTES: u64 = 64 * 1024;

/// A record as read: its fields in order and its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Where the record starts: the offset of its gzip member in a compressed file, of its
    /// version line in a plain one.
    pub offset: u64,
    pub fields: Vec<(String, String)>,
    pub block: Vec<u8>,
}

impl Record {
    /// The value of a field, by name in any case.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the reader hands on.
#[derive(Debug)]
pub enum Item {
    Record(Record),
    /// A record whose block is over the cap: read past, not held.
    TooLarge {
        offset: u64,
        target_uri: Option<String>,
        length: u64,
    },
}

/// Why a file could not be read to its end.
#[derive(Debug, thiserror::Error)]
#[error("at offset {offset}: {reason}")]
pub struct ReadError {
    pub offset: u64,
    pub reason: String,
}

/// Reads every record of `input`, handing each to `each`, whose own error stops the reading
/// and is returned as is. `max_block` caps the block of a record.
pub fn read_records(
    input: impl Read,
    max_block: u64,
    mut each: impl FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let mut input = Counted {
        inner: BufReader::with_capacity(64 * 1024, input),
        pos: 0,
    };
    let gzipped = input.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let mut n = 0;
    if !gzipped {
        return records_of(&mut input, None, max_block, &mut each);
    }
    // Member by member: in a file of one member per record the offset names the record.
    loop {
        if input.fill_buf()?.is_empty() {
            return Ok(n);
        }
        let member_at = input.pos;
        let mut member = BufReader::new(flate2::bufread::GzDecoder::new(&mut input));
        n += records_of(&mut member, Some(member_at), max_block, &mut each)?;
    }
}

/// The records of one stream (a gzip member, or a plain file); `member_at` is the offset of the
/// member, else offsets count bytes of `input`.
fn records_of(
    input: &mut impl BufRead,
    member_at: Option<u64>,
    max_block: u64,
    each: &mut impl FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let mut stream = Counted {
        inner: input,
        pos: 0,
    };
    let mut n = 0;
    loop {
        let start = stream.pos;
        let offset = member_at.unwrap_or(start);
        let broken = |reason: String| ReadError { offset, reason };
        let Some(fields) = read_header(&mut stream).map_err(|e| broken(describe(&e, member_at)))?
        else {
            return Ok(n);
        };
        let length: u64 = field(&fields, "Content-Length")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| broken("a record without a valid Content-Length".into()))?;
        let item = if length > max_block {
            let skipped = io::copy(&mut (&mut stream).take(length), &mut io::sink())
                .map_err(|e| broken(describe(&e, member_at)))?;
            if skipped < length {
                return Err(
                    broken(format!("truncated: {skipped} of {length} bytes of block")).into(),
                );
            }
            Item::TooLarge {
                offset,
                target_uri: field(&fields, "WARC-Target-URI").map(str::to_string),
                length,
            }
        } else {
            // Grown as the bytes arrive: a hostile length alone allocates little.
            let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
            (&mut stream)
                .take(length)
                .read_to_end(&mut block)
                .map_err(|e| broken(describe(&e, member_at)))?;
            if (block.len() as u64) < length {
                return Err(broken(format!(
                    "truncated: {} of {length} bytes of block",
                    block.len()
                ))
                .into());
            }
            Item::Record(Record {
                offset,
                fields,
                block,
            })
        };
        let mut end = [0u8; 4];
        stream.read_exact(&mut end).map_err(|e| {
            broken(format!(
                "no CRLF CRLF after the block: {}",
                describe(&e, member_at)
            ))
        })?;
        if &end != b"\r\n\r\n" {
            return Err(broken("the block is not followed by CRLF CRLF".into()).into());
        }
        each(item)?;
        n += 1;
    }
}

/// A record's version line and fields; `None` at the clean end of the stream.
fn read_header(input: &mut impl BufRead) -> io::Result<Option<Vec<(String, String)>>> {
    let mut limited = input.take(MAX_HEADER_BYTES);
    let mut line = Vec::new();
    // Blank lines between records are tolerated, as other readers do.
    loop {
        line.clear();
        if limited.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        if !line.iter().all(|b| b.is_ascii_whitespace()) {
            break;
        }
    }
    let version = String::from_utf8_lossy(&line);
    let version = version.trim_end();
    if !matches!(version, "WARC/1.0" | "WARC/1.1") {
        return Err(invalid(format!(
            "not a WARC record: {:?}",
            version.chars().take(40).collect::<String>()
        )));
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    loop {
        line.clear();
        if limited.read_until(b'\n', &mut line)? == 0 || !line.ends_with(b"\n") {
            return Err(match limited.limit() {
                0 => invalid(format!("a WARC header over {MAX_HEADER_BYTES} bytes")),
                _ => io::Error::new(io::ErrorKind::UnexpectedEof, "truncated in a WARC header"),
            });
        }
        let text = std::str::from_utf8(&line)
            .map_err(|_| invalid("a WARC header that is not UTF-8".into()))?
            .trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Ok(Some(fields));
        }
        if text.starts_with([' ', '\t']) {
            let last = fields
                .last_mut()
                .ok_or_else(|| invalid("a continuation line before any field".into()))?;
            last.1.push(' ');
            last.1.push_str(text.trim());
            continue;
        }
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| invalid(format!("a malformed WARC field {:?}", clip(text))))?;
        fields.push((name.trim().to_string(), value.trim().to_string()));
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// An I/O error in words: in a gzip member, a failure to read is a corrupt or truncated member.
fn describe(error: &io::Error, member_at: Option<u64>) -> String {
    match (member_at, error.kind()) {
        (Some(_), io::ErrorKind::UnexpectedEof) => {
            format!("a truncated gzip member ({error})")
        }
        (Some(_), io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData) => {
            format!("a corrupt gzip member ({error})")
        }
        (None, io::ErrorKind::UnexpectedEof) => format!("the file ends inside a record ({error})"),
        _ => error.to_string(),
    }
}

/// A framing error of this reader's own (kind `Other`, so that [`describe`] does not take it for
/// the gzip decoder's).
fn invalid(reason: String) -> io::Error {
    io::Error::other(reason)
}

fn clip(text: &str) -> String {
    text.chars().take(80).collect()
}

/// A reader that counts the bytes consumed from it.
struct Counted<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.pos += amount as u64;
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use chrono::Utc;

    use super::*;
    use crate::warc::write::{RecordHead, WarcWriter};

    fn written(payloads: &[&[u8]]) -> Vec<u8> {
        let mut writer = WarcWriter::new(Vec::new());
        for payload in payloads {
            let head = RecordHead {
                warc_type: "resource",
                target_uri: Some("http://paper.test/x"),
                date: Utc::now(),
                content_type: "text/plain",
                fields: Vec::new(),
            };
            writer.write(&head, b"", payload).unwrap();
        }
        writer.finish().unwrap()
    }

    fn read_all(bytes: &[u8], max_block: u64) -> anyhow::Result<Vec<Item>> {
        let mut items = Vec::new();
        read_records(bytes, max_block, |item| {
            items.push(item);
            Ok(())
        })?;
        Ok(items)
    }

    fn blocks(items: &[Item]) -> Vec<&[u8]> {
        items
            .iter()
            .map(|item| match item {
                Item::Record(record) => record.block.as_slice(),
                Item::TooLarge { .. } => b"<too large>".as_slice(),
            })
            .collect()
    }

    #[test]
    fn gzip_per_record_whole_file_gzip_and_plain_all_read() {
        let per_record = written(&[b"one", b"two"]);
        let items = read_all(&per_record, 100).unwrap();
        assert_eq!(blocks(&items), [b"one".as_slice(), b"two"]);
        let Item::Record(second) = &items[1] else {
            unreachable!()
        };
        assert!(
            second.offset > 0,
            "the second member starts after the first"
        );
        assert_eq!(second.field("warc-type"), Some("resource"));

        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&per_record[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(
            blocks(&read_all(&plain, 100).unwrap()),
            [b"one".as_slice(), b"two"]
        );

        let mut whole = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        whole.write_all(&plain).unwrap();
        let whole = whole.finish().unwrap();
        assert_eq!(
            blocks(&read_all(&whole, 100).unwrap()),
            [b"one".as_slice(), b"two"]
        );
    }

    #[test]
    fn a_block_over_the_cap_is_read_past_not_held() {
        let bytes = written(&[b"small", &[b'x'; 5000], b"after"]);
        let items = read_all(&bytes, 4999).unwrap();
        assert_eq!(
            blocks(&items),
            [b"small".as_slice(), b"<too large>", b"after"]
        );
        let Item::TooLarge {
            length, target_uri, ..
        } = &items[1]
        else {
            unreachable!()
        };
        assert_eq!(
            (*length, target_uri.as_deref()),
            (5000, Some("http://paper.test/x"))
        );
    }

    #[test]
    fn a_truncated_gzip_member_names_its_offset() {
        let bytes = written(&[b"one", b"two"]);
        let first_len = {
            let mut decoder = flate2::bufread::GzDecoder::new(&bytes[..]);
            std::io::copy(&mut decoder, &mut std::io::sink()).unwrap();
            bytes.len() - decoder.into_inner().len()
        };
        // Cut in the middle of the second member's deflate data.
        let cut = &bytes[..first_len + (bytes.len() - first_len) / 2];
        let mut seen = 0;
        let error = read_records(cut, 100, |_| {
            seen += 1;
            Ok(())
        })
        .unwrap_err();
        let error = error.downcast::<ReadError>().unwrap();
        assert_eq!(error.offset, first_len as u64, "{error}");
        assert!(error.reason.contains("truncated gzip member"), "{error}");
        assert_eq!(seen, 1, "the record before the damage was read");

        let mut corrupt = bytes.clone();
        corrupt[first_len + 20] ^= 0xff;
        corrupt[first_len + 21] ^= 0xff;
        let error = read_all(&corrupt, 100).unwrap_err().to_string();
        assert!(error.contains(&format!("at offset {first_len}")), "{error}");
    }

    #[test]
    fn hostile_plain_records_are_errors_with_reasons() {
        let cases: [(&[u8], &str); 5] = [
            (b"HTTP/1.1 200 OK\r\n\r\n", "not a WARC record"),
            (
                b"WARC/1.1\r\nWARC-Type: resource\r\n\r\nabc\r\n\r\n",
                "without a valid Content-Length",
            ),
            (
                b"WARC/1.1\r\nContent-Length: 10\r\n\r\nabc",
                "truncated: 3 of 10",
            ),
            (
                b"WARC/1.1\r\nContent-Length: 3\r\n\r\nabcXXXX",
                "not followed by CRLF CRLF",
            ),
            (b"WARC/1.1\r\nno colon\r\n\r\n", "malformed WARC field"),
        ];
        for (bytes, expected) in cases {
            let error = read_all(bytes, 100).unwrap_err().to_string();
            assert!(error.contains(expected), "{expected}: {error}");
        }
        let mut huge = b"WARC/1.1\r\nX: ".to_vec();
        huge.extend(vec![b'v'; MAX_HEADER_BYTES as usize]);
        let error = read_all(&huge, 100).unwrap_err().to_string();
        assert!(error.contains("WARC header over 65536 bytes"), "{error}");
    }
}

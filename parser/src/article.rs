//! The steps of reading an article that every family takes once it has found its parts: the
//! title block (引题, title, 副题) with the metadata's fallbacks, the body with its byline, the
//! pictures, and the record.

use chrono::NaiveDate;
use epaper_common::messages::{ArticleRecord, Image};
use scraper::{ElementRef, Html};
use url::Url;

use crate::html::{
    Links, MAX_IMAGES_PER_ARTICLE, absolute, apart, own_url, paragraphs_of,
    paragraphs_without_captions,
};
use crate::label::Label;
use crate::properties::Properties;
use crate::text::{element_text, non_empty};

selector!(HTML_TITLE, "title");
selector!(IMAGES, "img[src]");

/// The title block of an article: 引题 (the line above the title), title, 副题 (below it).
#[derive(Debug, Default)]
pub struct Titles {
    pub pretitle: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
}

impl Titles {
    /// Each part the markup lacks from the metadata (`introtitle`, `title`, `subtitle`), and
    /// the title, last, from the document's `<title>`.
    pub fn or_metadata(self, props: &Properties, doc: &Html) -> Titles {
        let from_props = |key: &str| props.get(key).map(str::to_string);
        Titles {
            pretitle: self.pretitle.or_else(|| from_props("introtitle")),
            title: self
                .title
                .or_else(|| from_props("title"))
                .or_else(|| html_title(doc)),
            subtitle: self.subtitle.or_else(|| from_props("subtitle")),
        }
    }
}

/// `标题-人民日报-人民网` / `标题--大河网`: the title is the part of `<title>` before the site.
fn html_title(doc: &Html) -> Option<String> {
    doc.select(&HTML_TITLE)
        .next()
        .and_then(|t| non_empty(element_text(t).split("--").next().unwrap_or_default()))
}

/// The body's paragraphs: the `<!--enpcontent-->` block where the template keeps it, else those
/// of the layout's body `container`.
pub fn paragraphs(html: &str, container: Option<ElementRef<'_>>) -> Vec<String> {
    let paragraphs = crate::html::enpcontent(html)
        .map(paragraphs_of)
        .unwrap_or_default();
    match container {
        Some(body) if paragraphs.is_empty() => paragraphs_of(&body.inner_html()),
        _ => paragraphs,
    }
}

/// An article's text and who wrote it.
#[derive(Debug)]
pub struct Body {
    pub author: Option<String>,
    pub paragraphs: Vec<String>,
}

impl Body {
    /// `author` as the layout's own field gives it, else the byline the body prints; a
    /// paragraph that is only the byline leaves the body either way.
    pub fn with_byline(mut author: Option<String>, mut paragraphs: Vec<String>) -> Body {
        crate::byline::apply(&mut author, &mut paragraphs);
        Body { author, paragraphs }
    }
}

/// The pictures under `root`, each URL once, at most [`MAX_IMAGES_PER_ARTICLE`]: those `keep`
/// accepts (given the element and its absolute URL), captioned by `caption`.
pub fn images(
    root: ElementRef<'_>,
    base: &Url,
    keep: impl Fn(ElementRef<'_>, &str) -> bool,
    caption: impl Fn(ElementRef<'_>) -> Option<String>,
) -> Vec<Image> {
    let mut images: Links<Image> = Links::new(MAX_IMAGES_PER_ARTICLE);
    for img in root.select(&IMAGES) {
        let Some(src) = img.value().attr("src").and_then(|src| absolute(base, src)) else {
            continue;
        };
        if !keep(img, &src) || images.contains(&src) {
            continue;
        }
        let caption = caption(img);
        images.insert(src.clone(), Image { url: src, caption });
    }
    images.into_vec()
}

/// The body `container` read apart from the page around it ([`apart`]): its paragraphs without
/// captions and the byline it prints, and its pictures that `keep` accepts by URL, captioned
/// by the table each is set in. No container, no text and no pictures.
pub fn body_apart(
    container: Option<ElementRef<'_>>,
    url: &Url,
    keep: impl Fn(&str) -> bool,
) -> (Body, Vec<Image>) {
    let Some(alone) = container.map(apart) else {
        return (Body::with_byline(None, Vec::new()), Vec::new());
    };
    let body = Body::with_byline(None, paragraphs_without_captions(alone.root_element()));
    (body, table_captioned(&alone, url, keep))
}

/// The pictures of `scope` read apart from the page around it, as [`body_apart`] reads a
/// body's.
pub fn pictures_apart(scope: ElementRef<'_>, url: &Url, keep: impl Fn(&str) -> bool) -> Vec<Image> {
    table_captioned(&apart(scope), url, keep)
}

fn table_captioned(alone: &Html, url: &Url, keep: impl Fn(&str) -> bool) -> Vec<Image> {
    images(alone.root_element(), url, |_, src| keep(src), table_caption)
}

/// The caption of a picture set in a table (the Founder templates' way): the table's text.
pub fn table_caption(img: ElementRef<'_>) -> Option<String> {
    let table = img
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|el| el.value().name().eq_ignore_ascii_case("table"))?;
    non_empty(&element_text(table))
}

/// The record of the article at `url` from its parts.
pub fn record(
    url: &Url,
    date: Option<NaiveDate>,
    (page_no, page_name): Label,
    titles: Titles,
    body: Body,
    images: Vec<Image>,
) -> ArticleRecord {
    ArticleRecord {
        url: own_url(url),
        date,
        page_no,
        page_name,
        pretitle: titles.pretitle,
        title: titles.title,
        subtitle: titles.subtitle,
        author: body.author,
        paragraphs: body.paragraphs,
        images,
    }
}

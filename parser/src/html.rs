//! HTML helpers every layout family shares: resolving links, finding the issue links by their
//! label, the links of a page's lists, and reading body paragraphs.

use std::collections::HashMap;

use epaper_common::messages::{ArticleRef, PageRef};
use regex::Regex;
use scraper::{ElementRef, Html};
use url::Url;

use crate::label::split_page_label;
use crate::text::{element_text, non_empty};

selector!(ANCHORS, "a[href]");
regex!(LINE_BREAK, r"(?i)<br\s*/?>");
selector!(PARAGRAPHS, "p");
selector!(IMAGES, "img[src]");

regex!(ENPCONTENT_OPEN, r"<!--\s*enpcontent\s*-->");
regex!(ENPCONTENT_CLOSE, r"<!--\s*/enpcontent\s*-->");

/// The text between the first match of `open` and the next match of `close` after it. Two plain
/// searches: a capturing `open(.*?)close` regex costs more than parsing the page (measured).
pub fn between<'a>(html: &'a str, open: &Regex, close: &Regex) -> Option<&'a str> {
    let start = open.find(html)?.end();
    let end = close.find_at(html, start)?.start();
    Some(&html[start..end])
}

/// The article body between `<!--enpcontent-->` and `<!--/enpcontent-->`, where the template
/// marks it.
pub fn enpcontent(html: &str) -> Option<&str> {
    between(html, &ENPCONTENT_OPEN, &ENPCONTENT_CLOSE)
}

/// The document of an article page without its scripts, styles and comments, which hold none of
/// an article's fields (the metadata comment and the body markers are read from the raw text) and
/// are a third to a half of a real page: skipping them is the cheapest part of a parse.
pub fn article_document(html: &str) -> Html {
    Html::parse_document(&without_inert(html))
}

/// `html` without `<script>…</script>`, `<style>…</style>` and `<!--…-->`, found by looking at
/// each `<` once (an unterminated one runs to the end, as in a browser).
fn without_inert(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = lower[at..].find('<') {
        let open = at + offset;
        let rest = &lower[open + 1..];
        let tag_named = |name: &str| {
            rest.starts_with(name)
                && !rest[name.len()..]
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphanumeric())
        };
        let close = if rest.starts_with("!--") {
            Some(
                lower[open + 4..]
                    .find("-->")
                    .map_or(lower.len(), |i| open + 4 + i + 3),
            )
        } else {
            [("script", "</script"), ("style", "</style")]
                .into_iter()
                .find(|(name, _)| tag_named(name))
                .map(|(_, end_tag)| {
                    lower[open..]
                        .find(end_tag)
                        .map_or(lower.len(), |i| open + i)
                })
        };
        match close {
            Some(end) => {
                out.push_str(&html[copied..open]);
                copied = end;
                at = end;
            }
            None => at = open + 1,
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// Resolves `href` against `base`, dropping the query (`?div=-1`) and fragment, and keeps it only
/// when the result is an `http` or `https` URL. This is the one door every URL of a record goes
/// through, so a hostile page cannot store a `javascript:`, `data:` or `file:` link that a reader
/// of the archive later clicks. The scheme is judged on the URL parser's own result, not on the
/// text: it strips tabs, newlines and leading spaces (`java&#9;script:` is `javascript:`) and
/// lowercases the scheme, and the HTML parser has already decoded entities (`&#x6A;avascript:`).
/// `#` links and the JS-only 上一期/下一期 of some layouts resolve to nothing.
pub fn absolute(base: &Url, href: &str) -> Option<String> {
    let mut url = resolve(base, href)?;
    url.set_query(None);
    url.set_fragment(None);
    Some(url.to_string())
}

/// `href` resolved against `base` when the result is an `http` or `https` URL, query and
/// fragment as written: the half of [`absolute`] that [`NamingQuery`] shares.
fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The query parameters that name a document in a system whose documents are named by their
/// query (`read.do?m=i&iid=…&idate=…`), and the one way a record's URL keeps any: every other
/// URL goes through [`absolute`], which drops the whole query, so a family keeps parameters
/// only by calling these methods with its own list, never by accident.
///
/// What is kept: the listed parameters, each once (its first value), in the list's order (two
/// links that order them differently name one document, and the archive keys by URL), each
/// value at most 64 ASCII letters, digits, `_`, `-` or `.` (an id or a date; anything else
/// names nothing in such a system, and a query must not carry a session, a credential or
/// markup into the archive); the fragment never. A URL left without a parameter has no `?`.
#[derive(Debug)]
pub struct NamingQuery {
    params: &'static [&'static str],
}

impl NamingQuery {
    pub const fn new(params: &'static [&'static str]) -> NamingQuery {
        NamingQuery { params }
    }

    /// `href` resolved against `base` as [`absolute`] does, with the naming parameters kept.
    pub fn absolute(&self, base: &Url, href: &str) -> Option<String> {
        let mut url = resolve(base, href)?;
        let kept = self.kept(&url);
        url.set_query((!kept.is_empty()).then_some(kept.as_str()));
        url.set_fragment(None);
        Some(url.to_string())
    }

    /// Where `link`'s `href` points, by [`NamingQuery::absolute`].
    pub fn target(&self, link: ElementRef<'_>, base: &Url) -> Option<String> {
        link.value()
            .attr("href")
            .and_then(|href| self.absolute(base, href))
    }

    /// The document's own URL as a record carries it (see [`own_url`]).
    pub fn own_url(&self, url: &Url) -> String {
        self.absolute(url, url.as_str())
            .unwrap_or_else(|| url.to_string())
    }

    /// The value `url` gives the naming parameter `name`, if it keeps one.
    pub fn value(&self, url: &Url, name: &str) -> Option<String> {
        self.named(url)
            .into_iter()
            .find_map(|(key, value)| (key == name).then_some(value))
    }

    /// The kept parameters of `url`, in the list's order.
    fn named(&self, url: &Url) -> Vec<(&'static str, String)> {
        let mut found: Vec<Option<String>> = vec![None; self.params.len()];
        let mut seen = vec![false; self.params.len()];
        // One pass over the query, however long: a hostile link may carry megabytes of it.
        for (key, value) in url.query_pairs() {
            let Some(at) = self.params.iter().position(|name| *name == key) else {
                continue;
            };
            if !std::mem::replace(&mut seen[at], true) && is_name(&value) {
                found[at] = Some(value.into_owned());
            }
        }
        self.params
            .iter()
            .zip(found)
            .filter_map(|(name, value)| Some((*name, value?)))
            .collect()
    }

    fn kept(&self, url: &Url) -> String {
        let pairs: Vec<String> = self
            .named(url)
            .into_iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        pairs.join("&")
    }
}

/// A query value that can name a document: an id or a date, nothing that needs escaping.
fn is_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Where `link`'s `href` points, by [`absolute`].
pub fn target(link: ElementRef<'_>, base: &Url) -> Option<String> {
    link.value()
        .attr("href")
        .and_then(|href| absolute(base, href))
}

/// The document's own URL as a record carries it: absolute, without query or fragment (a URL
/// `absolute` refuses, such as a saved file's, is kept as given).
pub fn own_url(url: &Url) -> String {
    absolute(url, url.as_str()).unwrap_or_else(|| url.to_string())
}

/// `href` of the page at `page` as an article of the page's issue: absolute, on the page's host
/// and, when the page's URL has the issue date (the first match of `issue_dir`), under that same
/// date. Templates link the paper's own "about us" and subscription texts, which look like
/// articles, from every page's footer.
pub fn issue_article(page: &Url, href: &str, issue_dir: &Regex) -> Option<String> {
    let url = absolute(page, href)?;
    let article = Url::parse(&url).ok()?;
    let dir = |url: &Url| issue_dir.find(url.path()).map(|m| m.as_str().to_string());
    let same_issue = page.host_str() == article.host_str()
        && dir(page).is_none_or(|page_dir| dir(&article) == Some(page_dir));
    same_issue.then_some(url)
}

/// The first of `images` whose `src` resolves: the scan of a page.
pub fn first_src<'a>(
    images: impl IntoIterator<Item = ElementRef<'a>>,
    base: &Url,
) -> Option<String> {
    images
        .into_iter()
        .find_map(|img| img.value().attr("src").and_then(|src| absolute(base, src)))
}

/// The target of the first of `anchors` whose `href` is `wanted` and resolves: a page's PDF.
pub fn first_href<'a>(
    anchors: impl IntoIterator<Item = ElementRef<'a>>,
    base: &Url,
    wanted: impl Fn(&str) -> bool,
) -> Option<String> {
    anchors.into_iter().find_map(|a| {
        let href = a.value().attr("href")?;
        wanted(href).then(|| absolute(base, href)).flatten()
    })
}

/// At most this many articles are kept from one page (版): real pages list a few dozen, so the
/// cap only binds on hostile or broken pages, whose links past it are dropped.
pub const MAX_ARTICLES_PER_PAGE: usize = 2_000;
/// At most this many pages (版) are kept in one page's list of its issue's pages: real issues
/// have up to a few hundred.
pub const MAX_PAGES_PER_ISSUE: usize = 500;
/// At most this many images are kept from one article.
pub const MAX_IMAGES_PER_ARTICLE: usize = 500;

/// Links keyed by their absolute URL, each URL once, in first-seen order, at most `cap` of them:
/// a lookup is one hash, so a page of 150,000 links costs linear time (a list searched per link
/// took 45 s). Links past the cap are counted in `dropped` and not kept.
#[derive(Debug)]
pub struct Links<T> {
    items: Vec<T>,
    index: HashMap<String, usize>,
    cap: usize,
    dropped: usize,
}

impl<T> Links<T> {
    pub fn new(cap: usize) -> Self {
        Links {
            items: Vec::new(),
            index: HashMap::new(),
            cap,
            dropped: 0,
        }
    }

    /// The entry already kept for `url`.
    pub fn get_mut(&mut self, url: &str) -> Option<&mut T> {
        let at = *self.index.get(url)?;
        self.items.get_mut(at)
    }

    /// Adds `item` under `url` unless `url` is already kept (then nothing changes) or the cap is
    /// reached (then it is counted as dropped).
    pub fn insert(&mut self, url: String, item: T) {
        if self.index.contains_key(&url) {
            return;
        }
        if self.items.len() >= self.cap {
            self.dropped += 1;
            return;
        }
        self.index.insert(url, self.items.len());
        self.items.push(item);
    }

    pub fn contains(&self, url: &str) -> bool {
        self.index.contains_key(url)
    }

    /// How many links came past the cap (one written twice there counts twice).
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

/// The target of the first link whose text holds `label` (上一期, 下一期), if it has a real one.
pub fn issue_link(doc: &Html, base: &Url, label: &str) -> Option<String> {
    doc.select(&ANCHORS)
        .filter(|a| element_text(*a).contains(label))
        .find_map(|a| target(a, base))
}

/// Leaf paragraphs of a body fragment: an outer `<P>` wrapping inner `<p>`s is not a paragraph
/// of its own. Without any `<p>`, lines separated by `<br>`.
pub fn paragraphs_of(fragment: &str) -> Vec<String> {
    let body = Html::parse_fragment(fragment);
    let leaves = leaf_paragraphs(body.root_element(), |_| true);
    if !leaves.is_empty() {
        return leaves;
    }
    lines(fragment.split('\n').flat_map(|line| LINE_BREAK.split(line)))
}

/// `element` parsed on its own, apart from the page around it. Some templates set the whole
/// page in a layout table, which would make every paragraph look like a caption (a `p` in a
/// table that holds a picture) and that table every picture's caption; read apart, only the
/// tables inside the element count.
pub fn apart(element: ElementRef<'_>) -> Html {
    Html::parse_fragment(&element.inner_html())
}

/// Leaf paragraphs of a body element as [`paragraphs_of`] reads them, but without captions (a
/// `<p>` in a table that also holds an image); without any `<p>`, the lines of its markup.
pub fn paragraphs_without_captions(body: ElementRef<'_>) -> Vec<String> {
    let leaves = leaf_paragraphs(body, |p| !in_image_table(p));
    if !leaves.is_empty() {
        return leaves;
    }
    let markup = body.inner_html();
    lines(markup.split('\n').flat_map(|line| line.split("<br>")))
}

fn leaf_paragraphs(root: ElementRef<'_>, keep: impl Fn(ElementRef<'_>) -> bool) -> Vec<String> {
    root.select(&PARAGRAPHS)
        .filter(|p| p.select(&PARAGRAPHS).nth(1).is_none())
        .filter(|p| keep(*p))
        .filter_map(|p| non_empty(&element_text(p)))
        .collect()
}

/// The non-empty text of each piece of markup.
fn lines<'a>(chunks: impl Iterator<Item = &'a str>) -> Vec<String> {
    chunks
        .filter_map(|chunk| non_empty(&element_text(Html::parse_fragment(chunk).root_element())))
        .collect()
}

/// Whether `p` is a caption: inside a table that also holds an image.
fn in_image_table(p: ElementRef<'_>) -> bool {
    p.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|el| el.value().name().eq_ignore_ascii_case("table"))
        .is_some_and(|table| table.select(&IMAGES).next().is_some())
}

/// The issue's pages from its page-list links, in order, each URL once (at most
/// [`MAX_PAGES_PER_ISSUE`]), labels split into number and name.
pub fn page_refs<'a>(links: impl IntoIterator<Item = ElementRef<'a>>, base: &Url) -> Vec<PageRef> {
    pages_in_order(links, |link| target(link, base), split_page_label)
}

/// The issue's pages from `links` in order, each URL (as `url_of` reads a link) once, at most
/// [`MAX_PAGES_PER_ISSUE`], with the label (as `split` reads the link's text) of its first link
/// that names its number: a page listed twice (a hidden menu and the visible list, a thumbnail
/// without text and its text link) keeps that one.
pub fn pages_in_order<'a>(
    links: impl IntoIterator<Item = ElementRef<'a>>,
    url_of: impl Fn(ElementRef<'_>) -> Option<String>,
    split: impl Fn(&str) -> crate::label::Label,
) -> Vec<PageRef> {
    let mut pages: Links<PageRef> = Links::new(MAX_PAGES_PER_ISSUE);
    for link in links {
        let Some(url) = url_of(link) else {
            continue;
        };
        let (page_no, page_name) = split(&element_text(link));
        match pages.get_mut(&url) {
            Some(seen) if seen.page_no.is_none() && page_no.is_some() => {
                (seen.page_no, seen.page_name) = (page_no, page_name);
            }
            Some(_) => {}
            None => pages.insert(
                url.clone(),
                PageRef {
                    page_no,
                    page_name,
                    url,
                },
            ),
        }
    }
    pages.into_vec()
}

/// The article list of a page: `push(url, title)` keeps the first title that is not `None`.
pub fn push_article(articles: &mut Links<ArticleRef>, url: String, title: Option<String>) {
    match articles.get_mut(&url) {
        Some(existing) => {
            if existing.title.is_none() {
                existing.title = title;
            }
        }
        None => articles.insert(url.clone(), ArticleRef::new(title, url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_styles_and_comments_are_left_out_and_the_rest_kept() {
        let html = "<p>甲</p><SCRIPT type=x>if (a<b) {}</SCRIPT><p>乙</p><!-- c <p>x</p> -->\
                    <style>p{}</style><scripts>丙</scripts><!--open";
        assert_eq!(
            without_inert(html),
            "<p>甲</p></SCRIPT><p>乙</p></style><scripts>丙</scripts>"
        );
    }

    #[test]
    fn only_http_and_https_links_resolve_however_the_scheme_is_written() {
        let base = Url::parse("http://paper.example.cn/html/2024-03/01/node_1.htm").unwrap();
        for href in [
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1} JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://paper.example.cn/a.pdf",
            "#top",
            "",
        ] {
            assert_eq!(absolute(&base, href), None, "{href:?}");
        }
        assert_eq!(
            absolute(&base, " HTTPS://paper.example.cn/a.pdf?x=1#p ").as_deref(),
            Some("https://paper.example.cn/a.pdf")
        );
        assert_eq!(
            absolute(&base, "content_2.htm?div=-1").as_deref(),
            Some("http://paper.example.cn/html/2024-03/01/content_2.htm")
        );
        let file_base = Url::parse("file:///tmp/saved.html").unwrap();
        assert_eq!(absolute(&file_base, "content_2.htm"), None);
    }

    #[test]
    fn a_naming_query_keeps_only_its_parameters_in_its_order_and_never_the_fragment() {
        const NAMES: NamingQuery = NamingQuery::new(&["m", "iid", "sid", "idate"]);
        let base = Url::parse("http://paper.example.cn/epaper/read.do?m=i&iid=7").unwrap();
        let kept = |href: &str| NAMES.absolute(&base, href);
        assert_eq!(
            kept("read.do?idate=2_2024-03-04&sid=9&token=secret&m=i&iid=7&m=x#top").as_deref(),
            Some("http://paper.example.cn/epaper/read.do?m=i&iid=7&sid=9&idate=2_2024-03-04")
        );
        // A value that is no id (markup, a second `?`, percent escapes) names nothing.
        assert_eq!(
            kept("read.do?m=i&iid=%3Cb%3E&sid=1?2&idate=").as_deref(),
            Some("http://paper.example.cn/epaper/read.do?m=i")
        );
        assert_eq!(
            kept("read.do?x=1").as_deref(),
            Some("http://paper.example.cn/epaper/read.do")
        );
        assert_eq!(kept("javascript:alert(1)//?m=i"), None);
        assert_eq!(
            NAMES.own_url(&base),
            "http://paper.example.cn/epaper/read.do?m=i&iid=7"
        );
        assert_eq!(NAMES.value(&base, "iid").as_deref(), Some("7"));
        assert_eq!(NAMES.value(&base, "sid"), None);
        // Everything else still drops the whole query.
        assert_eq!(
            absolute(&base, "read.do?m=i&iid=7").as_deref(),
            Some("http://paper.example.cn/epaper/read.do")
        );
    }

    #[test]
    fn links_keep_each_url_once_in_first_seen_order_up_to_the_cap() {
        let mut links: Links<u32> = Links::new(3);
        for (n, url) in ["a", "b", "a", "c", "d", "b", "e", "d"].iter().enumerate() {
            links.insert(url.to_string(), n as u32);
        }
        assert!(links.contains("c") && !links.contains("d"));
        assert_eq!(links.get_mut("b"), Some(&mut 1));
        // `d` twice and `e` once came past the cap.
        assert_eq!(links.dropped(), 3);
        assert_eq!(links.into_vec(), [0, 1, 3]);
    }

    #[test]
    fn the_body_between_its_markers_is_found() {
        let html = "<div><!-- enpcontent --><p>正文</p><!--/enpcontent--><!--/enpcontent--></div>";
        assert_eq!(enpcontent(html), Some("<p>正文</p>"));
        assert_eq!(enpcontent("<!--enpcontent--><p>未完"), None);
    }

    #[test]
    fn a_body_without_paragraphs_is_split_at_every_spelling_of_br() {
        assert_eq!(
            paragraphs_of(
                "\u{3000}\u{3000}第一段<BR>\u{3000}\u{3000}第二段<br/>第三段<Br />&nbsp;<br>"
            ),
            ["第一段", "第二段", "第三段"]
        );
    }

    #[test]
    fn an_outer_p_wrapping_inner_ps_is_not_a_paragraph_of_its_own() {
        assert_eq!(
            paragraphs_of("<P><p>&nbsp;&nbsp;&nbsp;&nbsp;甲</p><p></p><p>乙</p></P>"),
            ["甲", "乙"]
        );
    }
}

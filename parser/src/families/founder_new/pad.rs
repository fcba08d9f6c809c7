//! The pad/mobile article template of the new Founder layout, served beside the pc pages
//! (`…/pad/content/YYYYMM/DD/content_N.html`; 湖北日报, and 北京日报's mobile pages use the same
//! field ids). The fields are `font` elements in `div#scroller > div.caption`:
//!
//! - `font#guide` (empty or the paper's guide line, not a field of the article);
//! - `p#nowLayout`, hidden: the 版 number (`A01`), without the 版's name;
//! - `font#intro-title` 引题, `font#main-title` title (may wrap a `<b>` and break with `<br>`),
//!   `font#sub-title` 副题;
//! - `font#author`, which holds the issue's **date** (`2025年06月18日`), not an author: it is
//!   read as the date (see [`super::date_of`]) and never as the byline.
//!
//! The body is `div#content` with `founder-content` and the `<!--enpcontent-->` block; each
//! attachment comes before it as `<img src="….jpg.1">` followed by a `<p>` caption. The byline
//! is printed in the body (`□ 本报评论员`, `…全媒记者 X` first, `（据新华社…电）` last) or in the
//! metadata comment's `<author>`.

use scraper::{ElementRef, Html};

use super::articles::Reading;
use crate::article::Titles;
use crate::label::split_page_label;
use crate::text::{block_text, element_text};

selector!(INTRO_TITLE, "#intro-title");
selector!(MAIN_TITLE, "#main-title");
selector!(SUB_TITLE, "#sub-title");
selector!(NOW_LAYOUT, "#nowLayout");
selector!(CONTENT, "#content");
selector!(SCROLLER, "#scroller");
selector!(FOUNDER_CONTENT, "founder-content");

// A bare 版 number: `A01`, `01`, `第01版`.
regex!(BARE_PAGE_NO, r"^第?\s*([A-Za-z]*\d+[A-Za-z]*)\s*版?$");

/// The parts of a pad article.
pub fn read(doc: &Html) -> Reading<'_> {
    let field = |selector| doc.select(selector).find_map(block_text);
    let content = doc.select(&CONTENT).next();
    let body = content
        .and_then(|content| content.select(&FOUNDER_CONTENT).next())
        .or(content);
    let image_root = content
        .or_else(|| doc.select(&SCROLLER).next())
        .unwrap_or_else(|| doc.root_element());
    Reading {
        titles: Titles {
            pretitle: field(&INTRO_TITLE),
            title: field(&MAIN_TITLE),
            subtitle: field(&SUB_TITLE),
        },
        // `font#author` is the date.
        author: None,
        body,
        image_root,
        page_no: doc.select(&NOW_LAYOUT).find_map(page_no),
    }
}

/// The 版 number `p#nowLayout` holds: bare (`A01`), or as a label (`第A01版：要闻`).
fn page_no(element: ElementRef<'_>) -> Option<String> {
    let text = element_text(element);
    split_page_label(&text)
        .0
        .or_else(|| BARE_PAGE_NO.captures(&text).map(|caps| caps[1].to_string()))
}

//! A page (版) of the new Founder layout in each of its skins. They differ in where the issue's
//! page list, the page's own title list, its 版 label and its PDF are; the scan over the image
//! map (`img[usemap=#PagePicMap]` with `map[name=PagePicMap] area`), the date directories and
//! the issue links are the same in all of them.
//!
//! A skin's page list is a list of items, one per 版, each holding the page link and, in most
//! skins, that page's PDF: the PDF of this page is the one in the item that links this page,
//! never the first PDF of the document, which is the first page's.

use epaper_common::messages::{ArticleRef, PageRecord, PageRef};
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{URL_DATE, date_of, is_pdf, without_query};
use crate::html::{
    Links, MAX_ARTICLES_PER_PAGE, MAX_PAGES_PER_ISSUE, absolute, first_href, issue_article,
    issue_link, own_url, page_refs, push_article, target,
};
use crate::label::{self, Label, split_page_label};
use crate::properties::Properties;
use crate::regions::{Scan, push_mapped, scan_of};
use crate::text::{clean, element_text, non_empty};

selector!(ANCHORS, "a[href]");
// 人民日报 puts its page list in `.swiper-box .swiper-slide a#pageLink`; the id is what the
// Founder generator writes, so it is the hook, wherever the slide container is.
selector!(PAGE_LINKS, "a#pageLink, a#pagelink, a#PageLink");
// One item per 版, by skin: nav-list `div.nav-list ul li` (`a.btn.btn-block` + `a.pdf`);
// layoutlist `ul#layoutlist li.posRelative`; Chunkicon `div.Chunkiconlist p` (the 版, then
// its PDF; 中国税务报 `div#Chunkiconlist div`); Therestlist `div.Therestlist li` (长寿日报
// `ul#widthNone li`); webtree `div#webtree dl > dt`.
selector!(NAV_LIST_ITEMS, ".nav-list li");
selector!(LAYOUTLIST_ITEMS, "#layoutlist li, li.posRelative");
selector!(CHUNKICON_ITEMS, ".Chunkiconlist > p, #Chunkiconlist > div");
selector!(THERESTLIST_ITEMS, ".Therestlist li, #widthNone li");
selector!(WEBTREE_BRANCHES, "#webtree dl");
selector!(WEBTREE_DT, "#webtree dl > dt");
selector!(DD_ANCHORS, "dd a[href]");
// The title lists: 人民日报 `ul.news-list li a`, 光明日报 `.m-title-list li a` (title in a `<p>`),
// nav-list `li.resultList a` (title in an `h4`), layoutlist `ul#articlelist li.clearfix a`,
// Chunkicon and Therestlist `div.newslist ul li h3 a`.
selector!(
    TITLE_LIST_ANCHORS,
    "ul.news-list li a[href], .m-title-list li a[href], li.resultList a[href], \
     #articlelist li a[href], li.clearfix a[href], .newslist li a[href]"
);
selector!(AREAS, "area[href]");
selector!(MAP_IMAGE, "img[usemap]");
selector!(PAPER_IMAGE, ".paper img[src], .m-paper img[src]");
// The 版 label the page prints for itself: 人民日报 `.paper-bot p.ban` (`第01版：要闻`), 光明日报
// `.m-type` (`01版:` `头版`), layoutlist `span#layout`, Chunkicon and Therestlist
// `div.newslisttit em`, 黔东南's nav-list `div.tabs h3`.
selector!(
    BANCI,
    ".paper-bot .ban, .m-type, span#layout, .newslisttit em, .tabs h3"
);
// A PDF a skin prints once for the page shown: layoutlist `div.pull-right a`, Therestlist
// `div.newslisttit em a`, webtree `div.download a`.
selector!(
    SKIN_PDF_LINKS,
    ".pull-right a[href], .newslisttit em a[href], .download a[href]"
);
// layoutlist's `p#pdfUrl` holds the PDF's address as text.
selector!(PDF_URL_TEXT, "#pdfUrl");

regex!(CONTENT_HREF, r"(?i)(?:^|/)(?:content_\d+|c_?\d+)\.html?$");
regex!(
    NODE_HREF,
    r"(?i)(?:^|/)(?:node_\w+|col[a-z]*\d+\w*|l[a-z]*\d+\w*|n_\d+)\.html?$"
);

/// The page skins, told apart by the markup of their page list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skin {
    /// 人民日报 (`a#pageLink`) and 光明日报 (labelled `node_N` links).
    Headlines,
    NavList,
    LayoutList,
    Chunkicon,
    Therestlist,
    /// One document lists the whole issue, 版 by 版.
    Webtree,
}

impl Skin {
    /// The skin whose page list is in `doc`; the most specific markup is asked first.
    pub fn of(doc: &Html) -> Skin {
        let skins = [
            (&*WEBTREE_BRANCHES, Skin::Webtree),
            (&*CHUNKICON_ITEMS, Skin::Chunkicon),
            (&*THERESTLIST_ITEMS, Skin::Therestlist),
            (&*NAV_LIST_ITEMS, Skin::NavList),
            (&*LAYOUTLIST_ITEMS, Skin::LayoutList),
        ];
        skins
            .into_iter()
            .find(|(items, _)| doc.select(items).next().is_some())
            .map_or(Skin::Headlines, |(_, skin)| skin)
    }

    /// The skin's name as `../shared/families.md` spells it; `headlines-only` is 人民日报's and
    /// 光明日报's page, which lists the 版 and the page's headlines and nothing a skin adds.
    pub fn name(self) -> &'static str {
        match self {
            Skin::Headlines => "headlines-only",
            Skin::NavList => "nav-list",
            Skin::LayoutList => "layoutlist",
            Skin::Chunkicon => "Chunkicon",
            Skin::Therestlist => "Therestlist",
            Skin::Webtree => "webtree",
        }
    }

    /// The items of the page list, one per 版.
    fn items<'a>(self, doc: &'a Html) -> Vec<ElementRef<'a>> {
        let selector: &Selector = match self {
            Skin::Headlines => return Vec::new(),
            Skin::NavList => &NAV_LIST_ITEMS,
            Skin::LayoutList => &LAYOUTLIST_ITEMS,
            Skin::Chunkicon => &CHUNKICON_ITEMS,
            Skin::Therestlist => &THERESTLIST_ITEMS,
            Skin::Webtree => &WEBTREE_DT,
        };
        doc.select(selector).collect()
    }
}

/// The family's `skin`: the name of the skin of the page `html`.
pub(super) fn skin_name(html: &str) -> Option<&'static str> {
    Some(Skin::of(&Html::parse_document(html)).name())
}

/// The issue's pages in issue order: the links of the skin's items that are not PDFs (an item
/// may hold a thumbnail link and a labelled one; the label wins, see [`page_refs`]).
pub fn page_list(doc: &Html, base: &Url) -> Vec<PageRef> {
    let skin = Skin::of(doc);
    if skin == Skin::Headlines {
        return headline_pages(doc, base);
    }
    let items = skin.items(doc);
    let links = items.iter().flat_map(|item| page_anchors(*item));
    page_refs(links, base)
}

/// The links to a page in a page-list item: every link but the PDF's.
fn page_anchors(item: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    item.select(&ANCHORS)
        .filter(|a| !a.value().attr("href").is_some_and(is_pdf))
}

/// 人民日报's `a#pageLink`, else (光明日报, whose list markup is not pinned down) links to
/// `node_N.html` in this page's own directory that read as a 版 label.
fn headline_pages(doc: &Html, base: &Url) -> Vec<PageRef> {
    let mut pages: Links<PageRef> = Links::new(MAX_PAGES_PER_ISSUE);
    let mut push = |page: PageRef| pages.insert(page.url.clone(), page);
    let linked: Vec<PageRef> = doc
        .select(&PAGE_LINKS)
        .filter_map(|link| page_ref(link, base))
        .collect();
    if !linked.is_empty() {
        linked.into_iter().for_each(&mut push);
    } else {
        let own_dir = base.join(".").ok();
        doc.select(&ANCHORS)
            .filter(|a| {
                a.value()
                    .attr("href")
                    .is_some_and(|h| NODE_HREF.is_match(without_query(h.trim())))
            })
            .filter_map(|a| page_ref(a, base))
            .filter(|page| page.page_no.is_some())
            .filter(|page| {
                Url::parse(&page.url)
                    .ok()
                    .and_then(|u| u.join(".").ok())
                    .is_some_and(|dir| Some(dir) == own_dir)
            })
            .for_each(&mut push);
    }
    pages.into_vec()
}

fn page_ref(link: ElementRef<'_>, base: &Url) -> Option<PageRef> {
    let url = target(link, base)?;
    let (page_no, page_name) = split_page_label(&element_text(link));
    Some(PageRef {
        page_no,
        page_name,
        url,
    })
}

/// The item of the page list that links the page at `own_url`.
fn own_item<'a>(doc: &'a Html, skin: Skin, base: &Url, own_url: &str) -> Option<ElementRef<'a>> {
    skin.items(doc)
        .into_iter()
        .find(|item| page_anchors(*item).any(|a| target(a, base).as_deref() == Some(own_url)))
}

/// The 版 label printed on the document itself, without the text of links inside it
/// (Therestlist prints the PDF's link in the label's `em`).
pub fn printed_label(doc: &Html) -> Label {
    label::first_numbered(doc.select(&BANCI).map(text_outside_links))
}

fn text_outside_links(element: ElementRef<'_>) -> String {
    let is_link = |node: &scraper::Node| node.as_element().is_some_and(|e| e.name() == "a");
    let text: String = element
        .descendants()
        .filter(|node| {
            !node
                .ancestors()
                .take_while(|ancestor| ancestor.id() != element.id())
                .any(|ancestor| is_link(ancestor.value()))
        })
        .filter_map(|node| node.value().as_text().map(|text| text.to_string()))
        .collect();
    clean(&text)
}

pub fn parse(html: &str, url: &Url) -> PageRecord {
    let doc = Html::parse_document(html);
    let props = Properties::read(html);
    let skin = Skin::of(&doc);
    let pages = page_list(&doc, url);
    let own_url = own_url(url);
    let own_item = own_item(&doc, skin, url, &own_url);
    let (page_no, page_name) = label::of_page(&pages, &own_url, || printed_label(&doc));
    // The scan is `../../../pic/YYYYMM/DD/<uuid>.jpg.2`; the suffix is the site's, kept as is.
    // 人民日报 shows it at `width="400" height="575"`, the space its map's coordinates are in.
    let Scan {
        url: image_url,
        map_size,
    } = scan_of(doc.select(&MAP_IMAGE).chain(doc.select(&PAPER_IMAGE)), url);
    PageRecord {
        date: date_of(url, &doc, &props),
        page_no,
        page_name,
        pages,
        articles: page_articles(&doc, url, skin, own_item),
        image_url,
        map_size,
        pdf_url: pdf_of(&doc, url, skin, own_item),
        prev_issue_url: issue_link(&doc, url, "上一期"),
        next_issue_url: issue_link(&doc, url, "下一期"),
        url: own_url,
    }
}

/// The page's PDF: the one in its own page-list item, else the one the skin prints for the
/// page shown (`div.pull-right a`, `p#pdfUrl`'s text, `div.newslisttit em a`,
/// `div.download a`); on 人民日报 and 光明日报 pages, whose list has no PDFs, the first link to
/// a PDF (`<a href="…/<uuid>.pdf" download="rmrb2026031001.pdf">PDF下载</a>`).
fn pdf_of(doc: &Html, base: &Url, skin: Skin, own_item: Option<ElementRef<'_>>) -> Option<String> {
    let in_item = || own_item.and_then(|item| first_href(item.select(&ANCHORS), base, is_pdf));
    let printed = || first_href(doc.select(&SKIN_PDF_LINKS), base, is_pdf);
    let as_text = || {
        doc.select(&PDF_URL_TEXT)
            .map(element_text)
            .find(|text| is_pdf(text))
            .and_then(|text| absolute(base, &text))
    };
    let anywhere = || {
        (skin == Skin::Headlines)
            .then(|| first_href(doc.select(&ANCHORS), base, is_pdf))
            .flatten()
    };
    in_item()
        .or_else(printed)
        .or_else(as_text)
        .or_else(anywhere)
}

/// The title list first (its order is the paper's and it has the titles), then any other link
/// to an article of this issue, then image-map areas, which have no titles. On a webtree page
/// the title list is this page's own branch of the tree, and the other links are left out:
/// they are the other pages' articles.
fn page_articles(
    doc: &Html,
    url: &Url,
    skin: Skin,
    own_item: Option<ElementRef<'_>>,
) -> Vec<ArticleRef> {
    let mut articles: Links<ArticleRef> = Links::new(MAX_ARTICLES_PER_PAGE);
    let mut push = |anchor: ElementRef<'_>, title: Option<String>, mapped: bool| {
        let href = anchor.value().attr("href").unwrap_or_default().trim();
        if CONTENT_HREF.is_match(without_query(href))
            && let Some(article_url) = issue_article(url, href, &URL_DATE)
        {
            if mapped {
                push_mapped(&mut articles, article_url, title, anchor);
            } else {
                push_article(&mut articles, article_url, title);
            }
        }
    };
    let titled = |anchor: ElementRef<'_>| non_empty(&element_text(anchor));
    if skin == Skin::Webtree {
        // The item is a `dt`, its branch the `dl` that holds it.
        let branch = own_item.and_then(|dt| dt.parent().and_then(ElementRef::wrap));
        for anchor in branch.iter().flat_map(|dl| dl.select(&DD_ANCHORS)) {
            push(anchor, titled(anchor), false);
        }
    } else {
        for anchor in doc.select(&TITLE_LIST_ANCHORS).chain(doc.select(&ANCHORS)) {
            push(anchor, titled(anchor), false);
        }
    }
    for area in doc.select(&AREAS) {
        push(area, None, true);
    }
    articles.into_vec()
}

/// The label of the page at `url` in the issue's page list, if the document carries one.
pub fn listed_name(doc: &Html, url: &Url, page_no: &str) -> Option<String> {
    page_list(doc, url)
        .into_iter()
        .find(|page| page.page_no.as_deref() == Some(page_no))
        .and_then(|page| page.page_name)
}

//! Every layout's documents parse back to the generator's data: what the end-to-end crawl of
//! each layout relies on, checked here document by document without a network.

use epaper_common::messages::{ArticleRecord, MapSize, PageRecord, Record};

use super::{At, LAYOUTS, Layout};
use crate::sample::generate::{Article, paper};

const BASE: &str = "http://sample.example.cn/";

/// The document at `path` as the crawl reads it: by the layout's profile's `[selectors]` when
/// it has them, else by family detection.
fn parse(layout: &dyn Layout, path: &str, html: &str) -> Record {
    let url = format!("{BASE}{path}");
    let profile = epaper_common::sites::get(layout.profile())
        .unwrap_or_else(|error| panic!("{}: {error}", layout.name()));
    let content_type = Some("text/html; charset=utf-8");
    let custom = profile.selectors.as_ref();
    epaper_parser::parse_with(&url, html.as_bytes(), content_type, custom)
        .unwrap_or_else(|error| panic!("{}: {url}: {error}", layout.name()))
}

fn check_page(at: &At<'_>, record: &PageRecord) {
    let (layout, issue, page) = (at.layout.name(), at.issue(), at.page());
    let url = |path: String| format!("{BASE}{path}");
    assert_eq!(record.url, url(at.page_path(page)), "{layout}");
    assert_eq!(record.date, Some(issue.date), "{layout}: page date");
    assert_eq!(
        record.page_no.as_deref(),
        Some(page.page_no.as_str()),
        "{layout}"
    );
    assert_eq!(
        record.page_name.as_deref(),
        Some(page.page_name.as_str()),
        "{layout}"
    );
    let listed: Vec<(Option<&str>, &str)> = record
        .pages
        .iter()
        .map(|p| (p.page_no.as_deref(), p.url.as_str()))
        .collect();
    let pages: Vec<String> = issue.pages.iter().map(|p| url(at.page_path(p))).collect();
    let want: Vec<(Option<&str>, &str)> = issue
        .pages
        .iter()
        .zip(&pages)
        .map(|(p, u)| (Some(p.page_no.as_str()), u.as_str()))
        .collect();
    assert_eq!(listed, want, "{layout}: page list");
    let articles: Vec<&str> = record.articles.iter().map(|a| a.url.as_str()).collect();
    let want: Vec<String> = page
        .articles
        .iter()
        .map(|a| url(at.article_path(a)))
        .collect();
    assert_eq!(
        articles, want,
        "{layout}: articles of page {}",
        page.page_no
    );
    for (k, (listed, article)) in record.articles.iter().zip(&page.articles).enumerate() {
        if let Some(title) = &listed.title {
            assert_eq!(title, &article.title, "{layout}: listed title");
        }
        let regions = at.layout.article_regions(k);
        if !regions.is_empty() {
            assert_eq!(listed.regions, regions, "{layout}: regions of article {k}");
        }
    }
    // The map's space is the size the page prints on its scan, where it prints one.
    let displayed = at.layout.displayed_size(page);
    let map_size = displayed.and_then(|(width, height)| MapSize::new(width, height));
    assert_eq!(record.map_size, map_size, "{layout}: map size");
    if displayed.is_none() {
        let (width, height) = at.layout.scan_size(page);
        let space = super::map_space(page);
        assert_eq!(
            (width, height),
            space,
            "{layout}: a scan shown at its own size"
        );
    }
    let scan = url(at.layout.scan_path(issue, page));
    assert_eq!(
        record.image_url.as_deref(),
        Some(scan.as_str()),
        "{layout}: scan"
    );
    let pdf = url(at.layout.pdf_path(issue, page));
    assert_eq!(
        record.pdf_url.as_deref(),
        Some(pdf.as_str()),
        "{layout}: PDF"
    );
    let adjacent = [
        (&record.prev_issue_url, at.prev_issue()),
        (&record.next_issue_url, at.next_issue()),
    ];
    for (link, issue) in adjacent {
        if let Some(link) = link {
            let want = issue.map(|i| url(at.first_page_path(i)));
            assert_eq!(Some(link), want.as_ref(), "{layout}: issue link");
        }
    }
}

fn check_article(at: &At<'_>, article: &Article, record: &ArticleRecord) {
    let (layout, fields, page) = (at.layout.name(), at.layout.fields(), at.page());
    let or_none =
        |printed: bool, value: Option<&str>| value.filter(|_| printed).map(str::to_string);
    assert_eq!(record.url, format!("{BASE}{}", at.article_path(article)));
    assert_eq!(record.date, Some(at.issue().date), "{layout}: date");
    assert_eq!(
        record.page_no.as_deref(),
        Some(page.page_no.as_str()),
        "{layout}"
    );
    if fields.page_name {
        assert_eq!(
            record.page_name.as_deref(),
            Some(page.page_name.as_str()),
            "{layout}"
        );
    }
    assert_eq!(
        record.title.as_deref(),
        Some(article.title.as_str()),
        "{layout}"
    );
    let pretitle = or_none(fields.pretitle, article.pretitle.as_deref());
    assert_eq!(record.pretitle, pretitle, "{layout}: 引题");
    let subtitle = or_none(fields.subtitle, article.subtitle.as_deref());
    assert_eq!(record.subtitle, subtitle, "{layout}: 副题");
    let author = or_none(fields.author, Some(&article.author));
    assert_eq!(record.author, author, "{layout}: byline");
    assert_eq!(
        record.paragraphs, article.paragraphs,
        "{layout}: paragraphs"
    );
    let images: Vec<(String, Option<String>)> = record
        .images
        .iter()
        .map(|i| (i.url.clone(), i.caption.clone()))
        .collect();
    let want: Vec<(String, Option<String>)> = article
        .images
        .iter()
        .map(|i| {
            (
                format!("{BASE}{}", i.file),
                or_none(fields.captions, Some(&i.caption)),
            )
        })
        .collect();
    assert_eq!(images, want, "{layout}: images");
}

#[test]
fn every_layout_parses_back_to_the_generated_paper() {
    let paper = paper(3);
    for &layout in LAYOUTS {
        for issue_idx in 0..paper.issues.len() {
            for page_idx in 0..paper.issues[issue_idx].pages.len() {
                let at = At {
                    paper: &paper,
                    issue_idx,
                    page_idx,
                    layout,
                };
                let path = at.page_path(at.page());
                match parse(layout, &path, &layout.page_html(&at)) {
                    Record::Page(record) => check_page(&at, &record),
                    Record::Article(_) => panic!("{}: {path} read as an article", layout.name()),
                }
                for article in &at.page().articles {
                    let path = at.article_path(article);
                    match parse(layout, &path, &layout.article_html(&at, article)) {
                        Record::Article(record) => check_article(&at, article, &record),
                        Record::Page(_) => panic!("{}: {path} read as a page", layout.name()),
                    }
                }
            }
        }
    }
}

#[test]
fn layout_names_are_unique_and_each_has_a_bundled_test_profile() {
    let mut names = super::names();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), LAYOUTS.len(), "two layouts share a name");
    for layout in LAYOUTS {
        let profile = epaper_common::sites::get(layout.profile())
            .unwrap_or_else(|error| panic!("{}: {error}", layout.name()));
        assert!(profile.test_site, "{}", layout.name());
        assert!(super::by_name(layout.name()).is_some());
    }
}

#[test]
fn relative_links_climb_to_the_common_directory() {
    use super::href;
    assert_eq!(
        href(
            "html/2024-03/04/node_1.htm",
            "html/2024-03/04/content_7.htm"
        ),
        "content_7.htm"
    );
    assert_eq!(
        href("html/2024-03/04/node_1.htm", "images/2024-03/04/1/page.pdf"),
        "../../../images/2024-03/04/1/page.pdf"
    );
    assert_eq!(
        href("html/2024-03/04/node_1.htm", "html/2024-03/05/node_1.htm"),
        "../05/node_1.htm"
    );
    assert_eq!(href("index.htm", "a/b.htm"), "a/b.htm");
    assert_eq!(href("a/b.htm", "c.htm"), "../c.htm");
}

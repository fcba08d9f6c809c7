//! The printed issue: `/issue/{site}/{date}`, every page (版) with its scan, the articles'
//! regions over it as links, and its article list beside it; and `/issue/{site}/{date}/page/{n}`
//! (`n` from 1, in issue order), one page large, with the articles' text beside the scan and the
//! previous and next page and issue. `?article=URL` on a page highlights that article's regions
//! and shows its text first: where the article view's "on the page" link lands.
//!
//! A page whose scan the media store does not hold (`crawler.fetch_media` off) shows a
//! placeholder and its article list; a page without regions shows the scan and the list.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use epaper_indexer::{ExportFilter, ExportedArticle, IssueState, PageRegions, StoredPage};
use maud::{Markup, html};
use serde::Deserialize;

use super::checks::{is_sha256, link_or_text, query_value, site_shaped, valid_date, valid_site};
use super::page::{Failed, page, refusal};
use super::replay::replay_form;
use super::scan::{Hotspot, missing_scan, scan_size, scan_with_regions};
use super::{Console, Shared};

/// At most this many characters of an article's first paragraph in a page's list.
const LEAD_CHARS: usize = 120;

/// An issue as the reader shows it, read once per request.
struct IssueView {
    site: String,
    date: NaiveDate,
    state: &'static str,
    pages: Vec<StoredPage>,
    articles: Vec<ExportedArticle>,
    /// By page URL, the articles' regions on that page's scan.
    regions: HashMap<String, PageRegions>,
    /// The nearest issues of the site before and after, absent ones left out.
    previous: Option<NaiveDate>,
    next: Option<NaiveDate>,
}

impl IssueView {
    /// The issue, or `None` when the site or date is not one a request may name.
    async fn load(console: &Console, site: &str, date: &str) -> Result<Option<IssueView>, Failed> {
        let (true, Some(date)) = (site_shaped(site), valid_date(date)) else {
            return Ok(None);
        };
        let issues = console.store.issue_list(Some(site)).await?;
        if !valid_site(console, site, !issues.is_empty()) {
            return Ok(None);
        }
        let state = issues
            .iter()
            .find(|i| i.date == date)
            .map_or("unknown", |i| i.state.as_str());
        let shown = || issues.iter().filter(|i| i.state != IssueState::Absent);
        let previous = shown().filter(|i| i.date < date).map(|i| i.date).max();
        let next = shown().filter(|i| i.date > date).map(|i| i.date).min();
        let pages = console.store.pages_of(site, date).await?;
        let regions = console
            .store
            .page_regions(site, date)
            .await?
            .into_iter()
            .map(|p| (p.url.clone(), p))
            .collect();
        let mut articles = Vec::new();
        let filter = ExportFilter {
            site: Some(site.to_string()),
            from: Some(date),
            to: Some(date),
        };
        console
            .store
            .export(&filter, |a| {
                articles.push(a);
                Ok(())
            })
            .await?;
        Ok(Some(IssueView {
            site: site.to_string(),
            date,
            state,
            pages,
            articles,
            regions,
            previous,
            next,
        }))
    }

    fn articles_of<'a>(
        &'a self,
        page: &'a StoredPage,
    ) -> impl Iterator<Item = &'a ExportedArticle> {
        self.articles.iter().filter(|a| a.page_no == page.page_no)
    }

    /// The stored articles the page's map gives regions, as links to the article view.
    fn hotspots<'a>(&'a self, page: &StoredPage, current: Option<&str>) -> Vec<Hotspot<'a>> {
        let Some(regions) = self.regions.get(&page.url) else {
            return Vec::new();
        };
        self.articles
            .iter()
            .filter_map(|article| {
                let regions = regions.articles.get(&article.url)?;
                Some(Hotspot {
                    href: article_href(&article.url),
                    title: article.title.as_deref().unwrap_or("(untitled)"),
                    regions,
                    current: current == Some(article.url.as_str()),
                })
            })
            .collect()
    }

    fn page_href(&self, date: NaiveDate, number: usize) -> String {
        format!("/issue/{}/{date}/page/{number}", query_value(&self.site))
    }
}

fn article_href(url: &str) -> String {
    format!("/article?url={}", query_value(url))
}

fn page_label(page: &StoredPage) -> String {
    format!(
        "第{}版 {}",
        page.page_no.as_deref().unwrap_or("?"),
        page.page_name.as_deref().unwrap_or("")
    )
    .trim_end()
    .to_string()
}

/// The page's scan with its regions, or the placeholder saying why there is none.
async fn scan_of(
    console: &Console,
    view: &IssueView,
    page: &StoredPage,
    current: Option<&str>,
) -> Markup {
    let label = page_label(page);
    let sha = page.scan_sha256.as_deref().filter(|sha| is_sha256(sha));
    let Some(sha) = sha.filter(|_| console.media.is_some()) else {
        let why = if page.image_url.is_some() {
            "The scan of this page was not archived (crawler.fetch_media was off, or its fetch failed)."
        } else {
            "This page has no scan."
        };
        return missing_scan(page.image_url.as_deref(), why);
    };
    let src = format!("/media/{}/{sha}", &sha[..2]);
    match scan_size(console, sha).await {
        Some(size) => {
            let space = size.regions_space(page.map_size);
            scan_with_regions(&src, size, space, &label, &view.hotspots(page, current))
        }
        // A header the console cannot read: the scan alone, without regions to misplace.
        None => html! { div.scanbox { img.scan src=(src) alt=(label); } },
    }
}

fn pdf_link(console: &Console, page: &StoredPage) -> Markup {
    html! {
        @match (&page.pdf_sha256, &page.pdf_url) {
            (Some(sha), _) if console.media.is_some() && is_sha256(sha) => {
                p { a.pdf href=(format!("/media/{}/{sha}", &sha[..2])) { "PDF" } }
            }
            (_, Some(url)) => { p { (link_or_text(url, "pdf", "PDF")) } }
            _ => {}
        }
    }
}

pub(super) async fn issue(
    State(console): State<Shared>,
    Path((site, date)): Path<(String, String)>,
    Query(flash): Query<Flash>,
) -> Result<Response, Failed> {
    let Some(view) = IssueView::load(&console, &site, &date).await? else {
        return Ok(refusal(StatusCode::NOT_FOUND, "No such site or date."));
    };
    let mut scans = Vec::new();
    for page in &view.pages {
        scans.push(scan_of(&console, &view, page, None).await);
    }
    let body = html! {
        @if flash.replayed.is_some() {
            p.flash #flash { (view.site) " " (view.date) " sent back to the crawler" }
        }
        (issue_nav(&view))
        p {
            "State: " b #issue-state { (view.state) } "; " (view.pages.len()) " pages, "
            (view.articles.len()) " articles stored."
        }
        (replay_form(&console, &view.site, view.date))
        @for ((number, page), scan) in view.pages.iter().enumerate().zip(scans) {
            section.page {
                h2 { a.page-link href=(view.page_href(view.date, number + 1)) { (page_label(page)) } }
                div.spread {
                    div.scan-column { (scan) (pdf_link(&console, page)) }
                    ol.page-articles {
                        @for article in view.articles_of(page) {
                            li { a.article href=(article_href(&article.url)) {
                                (article.title.as_deref().unwrap_or("(untitled)"))
                            } }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("{site} {}", view.date), body).into_response())
}

/// `?replayed=1` on the reader after a replay: the page says so. The message is the console's
/// own, about the issue of the path; no text of the query string is shown.
#[derive(Deserialize, Default)]
pub(super) struct Flash {
    #[serde(default)]
    replayed: Option<String>,
}

/// `?article=URL` on a page view: the article to highlight.
#[derive(Deserialize, Default)]
pub(super) struct PageQuery {
    #[serde(default)]
    article: Option<String>,
}

pub(super) async fn page_view(
    State(console): State<Shared>,
    Path((site, date, number)): Path<(String, String, String)>,
    Query(query): Query<PageQuery>,
) -> Result<Response, Failed> {
    let Some(view) = IssueView::load(&console, &site, &date).await? else {
        return Ok(refusal(StatusCode::NOT_FOUND, "No such site or date."));
    };
    let index = number
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=view.pages.len()).contains(n));
    let Some(number) = index else {
        let body = html! {
            (issue_nav(&view))
            p.error { "This issue has no such stored page." }
        };
        return Ok((StatusCode::NOT_FOUND, page("no such page", body)).into_response());
    };
    let stored = &view.pages[number - 1];
    let current = query
        .article
        .as_deref()
        .and_then(|url| view.articles_of(stored).find(|a| a.url == url));
    let scan = scan_of(&console, &view, stored, current.map(|a| a.url.as_str())).await;
    let body = html! {
        (page_nav(&view, number))
        div.spread.large {
            div.scan-column #scan { (scan) (pdf_link(&console, stored)) }
            div.page-text {
                @if let Some(article) = current { (article_text(article)) }
                h2 { "On this page" }
                ol.page-articles {
                    @for article in view.articles_of(stored) {
                        @let here = current.is_some_and(|c| c.url == article.url);
                        li.current[here] {
                            a.article href=(format!("{}?article={}#scan",
                                view.page_href(view.date, number), query_value(&article.url))) {
                                (article.title.as_deref().unwrap_or("(untitled)"))
                            }
                            @if let Some(lead) = article.paragraphs.first() {
                                p.lead { (lead_of(lead)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = format!("{site} {} {}", view.date, page_label(stored));
    Ok(page(&title, body).into_response())
}

/// The highlighted article's text, beside the scan.
fn article_text(article: &ExportedArticle) -> Markup {
    html! {
        article #current-article {
            @if let Some(pretitle) = &article.pretitle { p.pretitle { (pretitle) } }
            h2 { (article.title.as_deref().unwrap_or("(untitled)")) }
            @if let Some(subtitle) = &article.subtitle { p.subtitle { (subtitle) } }
            @if let Some(author) = &article.author { p.author { (author) } }
            @for paragraph in &article.paragraphs { p { (paragraph) } }
            p { a href=(article_href(&article.url)) { "the article on its own" } }
        }
    }
}

fn lead_of(paragraph: &str) -> String {
    let mut lead: String = paragraph.chars().take(LEAD_CHARS).collect();
    if lead.len() < paragraph.len() {
        lead.push('…');
    }
    lead
}

/// The previous and next issue, and the issue's first page.
fn issue_nav(view: &IssueView) -> Markup {
    html! {
        nav.pager aria-label="issues" {
            @if let Some(previous) = view.previous {
                a #previous-issue rel="prev" href=(format!("/issue/{}/{previous}", query_value(&view.site))) {
                    "« " (previous)
                }
            }
            @if !view.pages.is_empty() {
                a #first-page href=(view.page_href(view.date, 1)) { "read page by page" }
            }
            @if let Some(next) = view.next {
                a #next-issue rel="next" href=(format!("/issue/{}/{next}", query_value(&view.site))) {
                    (next) " »"
                }
            }
        }
    }
}

/// Previous and next page of the issue, and the first page of the previous and next issue.
fn page_nav(view: &IssueView, number: usize) -> Markup {
    let count = view.pages.len();
    html! {
        nav.pager aria-label="pages" {
            @if let Some(previous) = view.previous {
                a #previous-issue href=(view.page_href(previous, 1)) { "« " (previous) }
            }
            @if number > 1 {
                a #previous-page rel="prev" href=(view.page_href(view.date, number - 1)) {
                    "‹ " (page_label(&view.pages[number - 2]))
                }
            }
            a #whole-issue href=(format!("/issue/{}/{}", query_value(&view.site), view.date)) {
                (view.date) ", page " (number) " of " (count)
            }
            @if number < count {
                a #next-page rel="next" href=(view.page_href(view.date, number + 1)) {
                    (page_label(&view.pages[number])) " ›"
                }
            }
            @if let Some(next) = view.next {
                a #next-issue href=(view.page_href(next, 1)) { (next) " »" }
            }
        }
    }
}

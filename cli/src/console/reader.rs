//! The archive as a reader sees it: an issue page by page (`/issue/{site}/{date}`), one article
//! (`/article?url=…`), search results (`/search?q=…`) and what failed (`/failures`).

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use epaper_indexer::{ExportFilter, ExportedArticle, SearchQuery};
use maud::{Markup, html};
use serde::Deserialize;

use super::checks::{
    is_sha256, link_or_text, media_link, query_value, site_shaped, valid_date, valid_site,
};
use super::page::{Failed, Page, page, refusal};
use super::replay::replay_form;
use super::{Console, Shared};

pub(super) async fn issue(
    State(console): State<Shared>,
    Path((site, date)): Path<(String, String)>,
    Query(flash): Query<Flash>,
) -> Result<Response, Failed> {
    let (true, Some(date)) = (site_shaped(&site), valid_date(&date)) else {
        return Ok(refusal(StatusCode::NOT_FOUND, "No such site or date."));
    };
    let issues = console.store.issue_list(Some(&site)).await?;
    if !valid_site(&console, &site, !issues.is_empty()) {
        return Ok(refusal(StatusCode::NOT_FOUND, "No such site or date."));
    }
    let state = issues
        .iter()
        .find(|i| i.date == date)
        .map_or("unknown", |i| i.state.as_str());
    let pages = console.store.pages_of(&site, date).await?;
    let mut articles: Vec<ExportedArticle> = Vec::new();
    let filter = ExportFilter {
        site: Some(site.clone()),
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
    let body = html! {
        @if flash.replayed.is_some() {
            p.flash #flash { (site) " " (date) " sent back to the crawler" }
        }
        p {
            "State: " b #issue-state { (state) } "; " (pages.len()) " pages, "
            (articles.len()) " articles stored."
        }
        (replay_form(&console, &site, date))
        @for page in &pages {
            div.page {
                @if let Some(scan) = media_link(&console, page.scan_sha256.as_deref(),
                    page.image_url.as_deref()) {
                    img.scan src=(scan) alt="scan";
                }
                h2 {
                    (page.page_no.as_deref().unwrap_or("?")) " "
                    (page.page_name.as_deref().unwrap_or(""))
                }
                @match (&page.pdf_sha256, &page.pdf_url) {
                    (Some(sha), _) if console.media.is_some() && is_sha256(sha) => {
                        p { a.pdf href=(format!("/media/{}/{sha}", &sha[..2])) { "PDF" } }
                    }
                    (_, Some(url)) => { p { (link_or_text(url, "pdf", "PDF")) } }
                    _ => {}
                }
                ul {
                    @for article in articles.iter().filter(|a| a.page_no == page.page_no) {
                        li {
                            a.article href=(format!("/article?url={}", query_value(&article.url))) {
                                (article.title.as_deref().unwrap_or("(untitled)"))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("{site} {date}"), body).into_response())
}

/// `?replayed=1` on the reader after a replay: the page says so. The message is the console's
/// own, about the issue of the path; no text of the query string is shown.
#[derive(Deserialize, Default)]
pub(super) struct Flash {
    #[serde(default)]
    replayed: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ArticleQuery {
    url: String,
}

pub(super) async fn article(
    State(console): State<Shared>,
    Query(query): Query<ArticleQuery>,
) -> Response {
    match find_article(&console, &query.url).await {
        Ok(Some(article)) => page(
            article.title.as_deref().unwrap_or("(untitled)"),
            article_body(&console, &article),
        )
        .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            page(
                "not found",
                html! { p { "No such article in the archive." } },
            ),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

async fn find_article(console: &Console, url: &str) -> Result<Option<ExportedArticle>, Failed> {
    let Some((site, date)) = console.store.article_issue(url).await? else {
        return Ok(None);
    };
    let filter = ExportFilter {
        site: Some(site),
        from: Some(date),
        to: Some(date),
    };
    let mut found = None;
    console
        .store
        .export(&filter, |a| {
            if a.url == url {
                found = Some(a);
            }
            Ok(())
        })
        .await?;
    Ok(found)
}

fn article_body(console: &Console, article: &ExportedArticle) -> Markup {
    html! {
        p {
            a href=(format!("/issue/{}/{}", query_value(&article.site), article.date)) {
                (article.site) " " (article.date)
            }
            " · " (article.page_no.as_deref().unwrap_or(""))
            " " (article.page_name.as_deref().unwrap_or(""))
        }
        @if let Some(pretitle) = &article.pretitle { p.pretitle { (pretitle) } }
        @if let Some(subtitle) = &article.subtitle { p.subtitle { (subtitle) } }
        @if let Some(author) = &article.author { p.author { (author) } }
        @for image in &article.images {
            figure {
                @if let Some(src) = media_link(console,
                    image.stored.as_ref().map(|s| s.sha256.as_str()), Some(&image.url)) {
                    img src=(src);
                }
                figcaption { (image.caption.as_deref().unwrap_or("")) }
            }
        }
        div #article-body {
            @for paragraph in &article.paragraphs { p { (paragraph) } }
        }
        p { (link_or_text(&article.url, "source", "source")) }
    }
}

#[derive(Deserialize)]
pub(super) struct SearchParams {
    #[serde(default)]
    q: String,
}

pub(super) async fn search(
    State(console): State<Shared>,
    Query(params): Query<SearchParams>,
) -> Page {
    let text = params.q.trim();
    if text.is_empty() {
        return Ok(page("search", html! { p { "Type words to look for." } }));
    }
    let hits = console
        .store
        .search(&SearchQuery {
            text: text.to_string(),
            filter: ExportFilter::default(),
            limit: 50,
        })
        .await?;
    let body = html! {
        p #hit-count { (hits.len()) " hits" }
        @for hit in &hits {
            div.hit {
                a.hit-title href=(format!("/article?url={}", query_value(&hit.url))) {
                    (hit.title.as_deref().unwrap_or("(untitled)"))
                }
                " "
                small { (hit.site) " " (hit.date) " " (hit.page_no.as_deref().unwrap_or("")) }
                div.snippet { (hit.snippet) }
            }
        }
    };
    Ok(page(&format!("search: {text}"), body))
}

pub(super) async fn failures(State(console): State<Shared>) -> Page {
    let failures = console.store.failures(&ExportFilter::default()).await?;
    let mut by_issue: BTreeMap<(String, NaiveDate), Vec<_>> = BTreeMap::new();
    for failure in failures {
        by_issue
            .entry((failure.site.clone(), failure.date))
            .or_default()
            .push(failure);
    }
    let body = html! {
        @if by_issue.is_empty() { p { "Nothing has failed." } }
        @for ((site, date), list) in by_issue.iter().rev() {
            h2 { a href=(format!("/issue/{}/{date}", query_value(site))) { (site) " " (date) } }
            (replay_form(&console, site, *date))
            ul {
                @for failure in list {
                    li.failure {
                        (failure.stage) " · " (failure.kind) " · " (failure.url) ": "
                        (failure.reason)
                    }
                }
            }
        }
    };
    Ok(page("failures", body))
}

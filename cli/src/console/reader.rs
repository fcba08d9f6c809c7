//! The archive as a reader sees it besides the printed issue (`issue.rs`): one article
//! (`/article?url=…`), with a link to its page's scan, search results (`/search?q=…`) and what
//! failed (`/failures`).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use epaper_indexer::{ExportFilter, ExportedArticle, SearchQuery};
use maud::{Markup, html};
use serde::Deserialize;

use super::checks::{link_or_text, media_link, query_value};
use super::page::{Failed, Page, page};
use super::replay::replay_form;
use super::{Console, Shared};

#[derive(Deserialize)]
pub(super) struct ArticleQuery {
    url: String,
}

pub(super) async fn article(
    State(console): State<Shared>,
    Query(query): Query<ArticleQuery>,
) -> Response {
    match find_article(&console, &query.url).await {
        Ok(Some(article)) => match page_number(&console, &article).await {
            Ok(number) => page(
                article.title.as_deref().unwrap_or("(untitled)"),
                article_body(&console, &article, number),
            )
            .into_response(),
            Err(error) => error.into_response(),
        },
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

/// The number (from 1, in issue order) of the stored page the article is on, for the page
/// view's URL.
async fn page_number(
    console: &Console,
    article: &ExportedArticle,
) -> Result<Option<usize>, Failed> {
    let pages = console.store.pages_of(&article.site, article.date).await?;
    Ok(pages
        .iter()
        .position(|p| article.page_no.is_some() && p.page_no == article.page_no)
        .map(|index| index + 1))
}

fn article_body(
    console: &Console,
    article: &ExportedArticle,
    page_number: Option<usize>,
) -> Markup {
    let site = query_value(&article.site);
    html! {
        p {
            a href=(format!("/issue/{site}/{}", article.date)) {
                (article.site) " " (article.date)
            }
            " · " (article.page_no.as_deref().unwrap_or(""))
            " " (article.page_name.as_deref().unwrap_or(""))
            @if let Some(number) = page_number {
                " · "
                a #on-the-page href=(format!("/issue/{site}/{}/page/{number}?article={}#scan",
                    article.date, query_value(&article.url))) {
                    @if article.regions.is_empty() { "its page" } @else { "where it is on the page" }
                }
            }
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

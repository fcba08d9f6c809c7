//! A read.do paper, whose issues only its month index names: the crawl POSTs the index once a
//! month, enters a listed day at the URL listed for it, ends an unlisted day as absent without
//! asking for any entry, and fails an issue whose index cannot be fetched or read, saying why.

use std::collections::HashMap;

use chrono::NaiveDate;
use epaper_common::messages::{IssueManifest, Message};
use epaper_common::sites::{self, Profile};
use epaper_common::transport::Handler;
use epaper_crawler::CrawlStage;
use epaper_crawler::address::AddressPolicy;
use epaper_crawler::fetch::{FetchError, Fetcher, Origins, Reach};

use crate::support::*;

const INDEX: &str = "/epaper/read.do?m=getIssueByMonth";
const ISSUE: &str = "/epaper/read.do?m=i&iid=7&idate=2_2024-03-04";

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

fn profile() -> Profile {
    sites::get("sample-read-do").unwrap()
}

fn page_path(eid: u32) -> String {
    format!("/epaper/read.do?m=i&iid=7&eid={eid}&idate=2_2024-03-04")
}

fn article_path(eid: u32, sid: u32) -> String {
    format!("/epaper/read.do?m=i&iid=7&eid={eid}&sid={sid}&idate=2_2024-03-04")
}

/// A 版 of the 2024-03-04 issue: the 版 list (70, 71) and its two articles.
fn read_do_page(eid: u32) -> String {
    let mut html = String::from(
        "<html><head><meta charset=\"utf-8\"><title>晚报</title></head><body>\n\
         <div class=\"leftTitle\"><span>第01版：要闻</span></div>\n<div class=\"listTitle\">\n",
    );
    for (n, other) in [70, 71].into_iter().enumerate() {
        let href = page_path(other).replace('&', "&amp;");
        html.push_str(&format!(
            "<span class=\"listTitleL\"><a href=\"{href}\">第0{}版：要闻</a></span>\n",
            n + 1
        ));
    }
    html.push_str("</div>\n<div id=\"link\"><ul>\n");
    for sid in [1, 2] {
        let href = article_path(eid, eid * 10 + sid).replace('&', "&amp;");
        html.push_str(&format!(
            "<li><a href=\"{href}\" title=\"标题{sid}\">标题{sid}</a></li>\n"
        ));
    }
    html.push_str("</ul></div>\n</body></html>\n");
    html
}

fn read_do_article(sid: u32) -> String {
    format!(
        "<html><head><meta charset=\"utf-8\"></head><body>\
         <div class=\"leftTitle\"><span>第01版：要闻</span></div>\
         <p class=\"articleTitle\">标题{sid}</p>\
         <div class=\"articleContent\"><p>正文第一段。</p><p>正文第二段。</p></div></body></html>"
    )
}

/// The issue of 2024-03-04 (two 版, four articles) and the month index answered with `index`.
async fn server_with(index: Reply) -> Server {
    let mut routes: HashMap<String, Reply> = HashMap::new();
    routes.insert(INDEX.into(), index);
    routes.insert(ISSUE.into(), Reply::Html(read_do_page(70)));
    for eid in [70, 71] {
        routes.insert(page_path(eid), Reply::Html(read_do_page(eid)));
        for sid in [1, 2] {
            let sid = eid * 10 + sid;
            routes.insert(article_path(eid, sid), Reply::Html(read_do_article(sid)));
        }
    }
    Server::start("127.0.0.1", routes).await
}

fn index_listing(paths: &[&str]) -> Reply {
    let items: Vec<String> = paths
        .iter()
        .map(|path| format!("{{\"path\":\"{path}\",\"idateDisp\":\"x\"}}"))
        .collect();
    Reply::Json(format!("{{\"data\":[{}]}}", items.join(",")))
}

async fn crawl(
    stage: &CrawlStage,
    server: &Server,
    date: NaiveDate,
) -> Result<IssueManifest, String> {
    let out = Recorder::default();
    let result = stage
        .handle(crawl_request("sample-read-do", server, date), &out)
        .await;
    if let Err(error) = result {
        return Err(format!("{error:?}"));
    }
    match out.take_after_start().last() {
        Some(Message::Manifest(manifest)) => Ok(manifest.clone()),
        other => panic!("no manifest last: {other:?}"),
    }
}

/// The read.do documents the server was asked for with GET (the index is a POST).
fn entries_asked(server: &Server) -> Vec<String> {
    server
        .requested()
        .into_iter()
        .filter(|key| key.contains("m=i&"))
        .collect()
}

#[tokio::test]
async fn a_listed_day_is_entered_where_the_index_says_and_an_unlisted_one_is_absent() {
    let server = server_with(index_listing(&[
        ISSUE,
        "/epaper/read.do?m=i&iid=9&idate=2_2024-03-06",
    ]))
    .await;
    let stage = stage(&settings(&[])).with_profile(profile());

    let manifest = crawl(&stage, &server, day(4)).await.unwrap();
    assert!(!manifest.absent, "{manifest:?}");
    assert_no_failures(&manifest);
    assert_eq!(manifest.pages.len(), 2, "{manifest:?}");
    assert_eq!(manifest.articles.len(), 4, "{manifest:?}");
    assert_eq!(server.hits(ISSUE), 1);
    // The index was asked by POST, with the paper and the month's first day.
    let posts = server.posts.lock().unwrap().clone();
    assert_eq!(
        posts,
        [(
            INDEX.to_string(),
            "newspaperId=2&date=2024-03-01".to_string()
        )]
    );

    // A day the index leaves out: absent, no entry asked for, the month's index read once.
    let before = entries_asked(&server);
    let manifest = crawl(&stage, &server, day(5)).await.unwrap();
    assert!(manifest.absent, "{manifest:?}");
    assert_eq!(entries_asked(&server), before, "an entry was asked for");
    assert_eq!(server.hits(INDEX), 1, "the index was read more than once");

    // Listed, but its entry 404s: asked for, and absent, as any entry.
    let manifest = crawl(&stage, &server, day(6)).await.unwrap();
    assert!(manifest.absent);
    assert_eq!(
        server.hits("/epaper/read.do?m=i&iid=9&idate=2_2024-03-06"),
        1
    );
    assert_eq!(server.hits(INDEX), 1);
}

/// 海口日报's installation names the month as `yyyymm=YYYYMM`; a profile that says so is sent
/// that form, and the crawl goes on as with the date form.
#[tokio::test]
async fn a_profile_with_the_yyyymm_month_param_posts_that_form() {
    let server = server_with(index_listing(&[ISSUE])).await;
    let mut profile = profile();
    profile.issue_index = Some(sites::IssueIndex::ReadDo {
        newspaper_id: 2,
        month_param: sites::MonthParam::Yyyymm,
    });
    let stage = stage(&settings(&[])).with_profile(profile);

    let manifest = crawl(&stage, &server, day(4)).await.unwrap();
    assert!(!manifest.absent, "{manifest:?}");
    assert_no_failures(&manifest);
    assert_eq!(manifest.pages.len(), 2, "{manifest:?}");
    assert_eq!(manifest.articles.len(), 4, "{manifest:?}");
    let posts = server.posts.lock().unwrap().clone();
    assert_eq!(
        posts,
        [(INDEX.to_string(), "newspaperId=2&yyyymm=202403".to_string())]
    );
}

#[tokio::test]
async fn entries_the_index_may_not_name_are_never_asked_for() {
    let hostile = [
        "http://evil.example.com/epaper/read.do?m=i&iid=7&idate=2_2024-03-04",
        "javascript:alert(1)//epaper/read.do?m=i&iid=7&idate=2_2024-03-04",
        "/epaper/read.do?m=i&iid=7&idate=5_2024-03-04",
        "/epaper/read.do?m=i&iid=7&eid=70&sid=701&idate=2_2024-03-04",
    ];
    let server = server_with(index_listing(&hostile)).await;
    let stage = stage(&settings(&[])).with_profile(profile());
    let manifest = crawl(&stage, &server, day(4)).await.unwrap();
    assert!(manifest.absent, "{manifest:?}");
    assert_eq!(entries_asked(&server), Vec::<String>::new());
}

#[tokio::test]
async fn an_index_that_cannot_be_read_fails_the_issue_saying_why() {
    let cases = [
        (
            Reply::Html("<html><body>系统维护中</body></html>".into()),
            "Permanent",
            "not a read.do issue index",
        ),
        (
            Reply::Json("{\"list\":[]}".into()),
            "Permanent",
            "no \"data\" list",
        ),
        (Reply::Status(404), "Permanent", "not found (404)"),
        (Reply::Status(503), "Retryable", "gave up after"),
    ];
    for (reply, kind, says) in cases {
        let server = server_with(reply).await;
        let stage = stage(&settings(&[])).with_profile(profile());
        let error = crawl(&stage, &server, day(4)).await.unwrap_err();
        assert!(error.starts_with(kind), "{kind}: {error}");
        assert!(
            error.contains("issue index") && error.contains("2024-03") && error.contains(says),
            "{says}: {error}"
        );
        assert_eq!(entries_asked(&server), Vec::<String>::new(), "{error}");
        // Not kept: the next crawl asks again.
        let _ = crawl(&stage, &server, day(4)).await;
        let want = if kind == "Retryable" {
            2 * settings(&[]).crawler.max_attempts
        } else {
            2
        };
        assert_eq!(server.hits(INDEX), want, "{error}");
    }
}

#[tokio::test]
async fn a_post_goes_through_the_same_admission_check_as_a_get() {
    let server = Server::start("127.0.0.1", HashMap::new()).await;
    let form = [("newspaperId".to_string(), "2".to_string())];
    // Another site's fetcher may not post here: refused before anything is sent.
    let elsewhere = Origins::of(&"http://127.0.0.1:1/".parse().unwrap(), &[]).unwrap();
    let fetcher = Fetcher::new(
        &settings(&[]).crawler,
        Reach::new(elsewhere, AddressPolicy::LoopbackOnly),
    )
    .unwrap();
    let url = format!("{}{INDEX}", server.base);
    match fetcher.post_form(&url, &form).await {
        Err(FetchError::Refused { reason, .. }) => {
            assert!(reason.contains("not a port of this site"), "{reason}")
        }
        other => panic!("not refused: {other:?}"),
    }
    // A real profile's policy refuses the loopback address.
    let own = Origins::of(&server.base.parse().unwrap(), &[]).unwrap();
    let fetcher = Fetcher::new(
        &settings(&[]).crawler,
        Reach::new(own, AddressPolicy::PublicOnly),
    )
    .unwrap();
    match fetcher.post_form(&url, &form).await {
        Err(FetchError::Refused { reason, .. }) => {
            assert!(reason.contains("loopback"), "{reason}")
        }
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(server.total_hits() + server.hits(ROBOTS), 0);
    assert!(server.posts.lock().unwrap().is_empty());
}

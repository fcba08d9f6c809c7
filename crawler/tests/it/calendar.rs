//! A paper's list of publication days (`publication_days` in its profile) spares the requests
//! for the days it leaves out, and never stands in the way when it cannot be read.

use chrono::NaiveDate;
use epaper_common::messages::{IssueManifest, Message};
use epaper_common::sites::{self, Profile};
use epaper_common::transport::Handler;
use epaper_crawler::CrawlStage;

use crate::support::*;

const PERIOD_XML: &str = "/html/2024-03/period.xml";

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

/// The sample profile, with classic Founder's monthly list of publication days.
fn with_calendar() -> Profile {
    Profile {
        id: "sample-days".into(),
        publication_days: Some("{base}/html/{yyyy}-{mm}/period.xml".into()),
        ..sites::get("sample").unwrap()
    }
}

/// The 2024-03-04 issue, and a `period.xml` answered with `list`.
async fn server_with(list: Reply) -> Server {
    let mut routes = issue();
    routes.insert(PERIOD_XML.into(), list);
    Server::start("127.0.0.1", routes).await
}

fn period_xml(days: &[u32]) -> Reply {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<periodlist>\n");
    for d in days {
        xml.push_str(&format!(
            "<period><period_name>{d}</period_name><paper_id>1</paper_id>\
             <period_date>2024-03-{d:02}</period_date></period>\n"
        ));
    }
    xml.push_str("</periodlist>\n");
    Reply::Text(xml)
}

async fn crawl_day(stage: &CrawlStage, server: &Server, date: NaiveDate) -> IssueManifest {
    let out = Recorder::default();
    stage
        .handle(crawl_request("sample-days", server, date), &out)
        .await
        .expect("the crawl succeeds");
    let messages = out.take_after_start();
    match messages.last() {
        Some(Message::Manifest(manifest)) => manifest.clone(),
        other => panic!("no manifest last: {other:?}"),
    }
}

#[tokio::test]
async fn a_day_the_list_leaves_out_is_absent_without_asking_for_its_entry() {
    let server = server_with(period_xml(&[4, 6])).await;
    let stage = stage(&settings(&[])).with_profile(with_calendar());

    let manifest = crawl_day(&stage, &server, day(5)).await;
    assert!(manifest.absent, "{manifest:?}");
    assert_eq!(
        server.hits("/html/2024-03/05/node_1.htm"),
        0,
        "the entry was asked for"
    );

    // A listed day is crawled as always; the month's list is read once for both.
    let manifest = crawl_day(&stage, &server, day(4)).await;
    assert!(!manifest.absent);
    assert_no_failures(&manifest);
    assert_eq!(manifest.articles.len(), 6);
    // Listed, but its entry 404s: asked for, and absent.
    let manifest = crawl_day(&stage, &server, day(6)).await;
    assert!(manifest.absent);
    assert_eq!(server.hits("/html/2024-03/06/node_1.htm"), 1);
    assert_eq!(
        server.hits(PERIOD_XML),
        1,
        "the list was read more than once"
    );
}

#[tokio::test]
async fn without_a_readable_list_every_day_is_asked_for() {
    for list in [
        Reply::Status(404),
        Reply::Html("<html><body>系统维护中</body></html>".into()),
    ] {
        let server = server_with(list).await;
        let stage = stage(&settings(&[])).with_profile(with_calendar());
        let manifest = crawl_day(&stage, &server, day(4)).await;
        assert!(!manifest.absent);
        assert_eq!(manifest.articles.len(), 6);
        let manifest = crawl_day(&stage, &server, day(5)).await;
        assert!(manifest.absent);
        assert_eq!(server.hits("/html/2024-03/05/node_1.htm"), 1);
        assert_eq!(server.hits(PERIOD_XML), 1);
    }
}

//! Following 上一期 / 下一期: the linked issue is asked for after the manifest, within the
//! request's bound, and a chain ends at a link that goes nowhere further.

use chrono::NaiveDate;
use epaper_common::messages::{CrawlIssue, Direction, Follow, Message};
use epaper_common::transport::Handler;

use crate::support::*;

/// The local site serving the issue with static 上一期 and 下一期 links (to `prev` and `next`) on
/// its first page, as classic papers print them.
async fn serve_linked(prev: &str, next: &str) -> Server {
    let mut routes = issue();
    let Some(Reply::Html(node_1)) = routes.get(&path("node_1.htm")).cloned() else {
        unreachable!("the first page is plain HTML")
    };
    let links = format!(
        "<table class=rq><tr>\
         <td><a class=preart href={prev}>上一期</a></td>\
         <td><a class=preart href={next}>下一期</a></td>\
         </tr></table>\n</body>"
    );
    routes.insert(
        path("node_1.htm"),
        Reply::Html(node_1.replace("</body>", &links)),
    );
    Server::start("127.0.0.1", routes).await
}

fn following(server: &Server, date: NaiveDate, direction: Direction, until: NaiveDate) -> Message {
    let Message::CrawlIssue(mut request) = crawl_request("sample", server, date) else {
        unreachable!()
    };
    request.follow = Some(Follow { direction, until });
    Message::CrawlIssue(request)
}

/// Crawls with `request` and returns the crawl request sent after the manifest, if any.
async fn follow_up(request: Message) -> Option<CrawlIssue> {
    let settings = settings(&[]);
    let out = Recorder::default();
    stage(&settings).handle(request, &out).await.unwrap();
    let mut messages = out.take_after_start();
    let last = messages.pop()?;
    match last {
        Message::CrawlIssue(next) => {
            assert!(
                matches!(messages.last(), Some(Message::Manifest(_))),
                "the next issue is asked for only after the manifest"
            );
            Some(next)
        }
        Message::Manifest(_) => None,
        other => panic!("unexpected last message {}", other.describe()),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn following_links_asks_for_the_linked_issue_within_bounds() {
    let server = serve_linked("../../2024-02/28/node_1.htm", "../../2024-03/06/node_1.htm").await;

    let back = Follow {
        direction: Direction::Prev,
        until: day(2024, 2, 1),
    };
    let next = follow_up(following(&server, issue_date(), back.direction, back.until))
        .await
        .expect("the previous issue is asked for");
    assert_eq!(next.date, day(2024, 2, 28), "the linked date, days skipped");
    assert_eq!(
        next.follow,
        Some(back),
        "the chain goes on with the same bound"
    );
    assert_eq!(next.base_url, Some(format!("{}/", server.base)));
    // The link is only read: the linked issue is fetched when its own request is handled.
    assert_eq!(server.hits("/html/2024-02/28/node_1.htm"), 0);

    let forward = follow_up(following(
        &server,
        issue_date(),
        Direction::Next,
        day(2024, 3, 31),
    ))
    .await
    .expect("the next issue is asked for");
    assert_eq!(forward.date, day(2024, 3, 6));

    // A linked date beyond the bound ends the chain, in either direction.
    for (direction, until) in [
        (Direction::Prev, day(2024, 3, 1)),
        (Direction::Next, day(2024, 3, 5)),
    ] {
        let request = following(&server, issue_date(), direction, until);
        assert_eq!(follow_up(request).await, None, "{direction:?}");
    }
    // Without `follow`, nothing but the issue itself.
    assert_eq!(
        follow_up(crawl_request("sample", &server, issue_date())).await,
        None
    );
}

#[tokio::test]
async fn links_that_go_the_wrong_way_or_name_no_date_end_the_chain() {
    // 上一期 pointing forward (a site with circular links) and 下一期 to a page without a date.
    let server = serve_linked("../../2024-03/09/node_1.htm", "../../../index.htm").await;
    let until_far = |direction| match direction {
        Direction::Prev => day(2020, 1, 1),
        Direction::Next => day(2030, 1, 1),
    };
    for direction in [Direction::Prev, Direction::Next] {
        let request = following(&server, issue_date(), direction, until_far(direction));
        assert_eq!(follow_up(request).await, None, "{direction:?}");
    }
    // An issue without links at all (the newest, say) ends the chain too.
    let plain = Server::start("127.0.0.1", issue()).await;
    let request = following(&plain, issue_date(), Direction::Next, day(2030, 1, 1));
    assert_eq!(follow_up(request).await, None);
}

#[tokio::test]
async fn a_date_without_an_issue_steps_one_day_when_following_links() {
    let server = Server::start("127.0.0.1", issue()).await;
    // 2024-03-05 has no issue (404): the chain steps to the next day, then stops at its bound.
    let absent = day(2024, 3, 5);
    let next = follow_up(following(&server, absent, Direction::Next, day(2024, 3, 7)))
        .await
        .expect("the next day is asked for");
    assert_eq!(
        (next.date, next.follow.unwrap().until),
        (day(2024, 3, 6), day(2024, 3, 7))
    );
    assert_eq!(
        follow_up(following(&server, absent, Direction::Next, absent)).await,
        None
    );
    let back = follow_up(following(&server, absent, Direction::Prev, day(2024, 3, 1)))
        .await
        .expect("the day before is asked for");
    assert_eq!(back.date, issue_date());
}

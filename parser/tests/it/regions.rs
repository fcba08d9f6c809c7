//! Article regions from a hostile image map: coordinates that are not finite, negative or far
//! too many are no region; an article keeps at most 16 regions, each once; and a map of a
//! thousand areas parses at once.

use std::time::{Duration, Instant};

use epaper_common::messages::MAX_REGIONS;

use crate::support::{page, region};

const URL: &str = "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm";
const BASE: &str = "http://paper.example.cn/kjb/html/2023-03/22/";

/// A classic 版 with only its image map (made-up coordinates), whose areas are `areas`.
fn map_page(areas: &str) -> String {
    format!(
        "<!-- classic Founder 版: map[name=PagePicMap] area[shape][coords][href] over \
         img[usemap]; hostile coordinates -->\n<html><body><map name=PagePicMap>{areas}</map>\
         <img src=../../../images/2023-03/22/01/KJB2023032201_b.jpg usemap=#PagePicMap>\
         </body></html>"
    )
}

#[test]
fn hostile_coordinates_are_no_region_and_an_article_keeps_sixteen_each_once() {
    let many_numbers = vec!["7"; 10_000].join(",");
    let mut areas = format!(
        r#"<area shape="rect" coords="NaN,1,2,3" href="content_1.htm?div=-1">
<area shape="rect" coords="-1,1,2,3" href="content_1.htm?div=0">
<area shape="RECT" coords="1e40,1,2,3" href="content_1.htm">
<area shape="poly" coords="{many_numbers}" href="content_2.htm">
<area shape="poly" coords="1,1,2,2" href="content_2.htm?div=0">
<area shape="circle" coords="10,10,5" href="content_3.htm">
<area shape="circle" coords=" 10 10 5 " href="content_3.htm?div=0">
<area shape="polygon" coords="0,0 8.5,0 8.5,9" href="content_3.htm?div=-1">"#
    );
    for i in 0..1_000 {
        areas.push_str(&format!(
            r#"<area shape="rect" coords="{i},0,{},10" href="content_4.htm?div={}">"#,
            i + 1,
            i % 2
        ));
    }
    let (elapsed, record) = timed(&map_page(&areas));
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");

    let urls: Vec<String> = record.articles.iter().map(|a| a.url.clone()).collect();
    assert_eq!(
        urls,
        (1..=4)
            .map(|k| format!("{BASE}content_{k}.htm"))
            .collect::<Vec<_>>()
    );
    assert!(record.articles.iter().all(|a| a.title.is_none()));
    let regions: Vec<_> = record.articles.iter().map(|a| a.regions.clone()).collect();
    let first_sixteen: Vec<_> = (0..MAX_REGIONS)
        .map(|i| region(&[i as f32, 0.0, i as f32 + 1.0, 10.0]))
        .collect();
    assert_eq!(
        regions,
        vec![
            vec![],
            vec![],
            vec![
                region(&[5.0, 5.0, 15.0, 15.0]),
                region(&[0.0, 0.0, 8.5, 0.0, 8.5, 9.0]),
            ],
            first_sixteen,
        ]
    );
}

fn timed(html: &str) -> (Duration, epaper_common::messages::PageRecord) {
    let start = Instant::now();
    let record = page(URL, html.as_bytes());
    (start.elapsed(), record)
}

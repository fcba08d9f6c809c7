//! Article regions on the page scan: stored with the page, exported with the article, each
//! with the space it is in (the size the page displays its scan at).

use epaper_common::messages::{DocKind, MapSize, PageRecord, PageRef, Record, Region, Shape};
use epaper_indexer::Store;

use crate::support::*;

fn rect(coords: [f32; 4]) -> Region {
    Region::new(Shape::Rect, coords.to_vec()).unwrap()
}

async fn store(store: &Store, page: PageRecord) {
    store
        .store_document(
            &fetched(&page.url, DocKind::Page, &page.url),
            &Record::Page(page),
        )
        .await
        .unwrap();
}

/// An article keeps the regions every page gives it (a region two pages share once); an
/// article of no image map exports `regions: []`; a re-stored page replaces its regions.
pub(crate) async fn export_gives_each_article_the_regions_of_its_pages(store_: Store) {
    let poly = Region::new(Shape::Poly, vec![0.0, 0.0, 10.5, 0.0, 10.5, 20.0]).unwrap();
    let mut first = page(3);
    first.articles[0].regions = vec![rect([1.0, 2.0, 30.0, 40.0]), poly.clone()];
    first.articles[2].regions = vec![rect([5.0, 5.0, 6.0, 6.0])];
    let mut second = page(1);
    second.url = format!("{BASE}node_2.htm");
    second.page_no = Some("02".into());
    second.articles[0].regions = vec![poly.clone(), rect([100.0, 0.0, 200.0, 50.0])];
    store(&store_, first.clone()).await;
    store(&store_, second).await;
    for k in 0..3 {
        store_article(&store_, k, "段落。").await;
    }

    let regions = |exported: &[epaper_indexer::ExportedArticle]| -> Vec<Vec<Region>> {
        exported.iter().map(|a| a.regions.clone()).collect()
    };
    let before = exported(&store_).await;
    assert_eq!(
        regions(&before),
        vec![
            vec![
                rect([1.0, 2.0, 30.0, 40.0]),
                poly.clone(),
                rect([100.0, 0.0, 200.0, 50.0])
            ],
            vec![],
            vec![rect([5.0, 5.0, 6.0, 6.0])],
        ]
    );
    let json = serde_json::to_value(&before[1]).unwrap();
    assert_eq!(json["regions"], serde_json::json!([]));
    // No page gave a map size: the regions are in the scan's pixels, and the export says so.
    assert!(before.iter().all(|a| a.regions_size.is_none()));
    assert_eq!(json["regions_size"], serde_json::Value::Null);

    // The page again, now without its map: its regions are gone from the export.
    let mut plain = first;
    plain.articles.iter_mut().for_each(|a| a.regions.clear());
    store(&store_, plain).await;
    let after = exported(&store_).await;
    assert_eq!(
        regions(&after),
        vec![vec![poly, rect([100.0, 0.0, 200.0, 50.0])], vec![], vec![]]
    );
    store_.close().await;
}

/// The reader's view of a page's map: per stored page, the regions of each article it links,
/// read back as stored; a stored object that does not read (a region `Region::new` refuses) is
/// an error naming the page, not a page drawn without regions.
pub(crate) async fn page_regions_are_read_back_per_page_and_checked(store_: Store) {
    let mut first = page(2);
    first.articles[1].regions = vec![rect([1.0, 2.0, 30.0, 40.0]), rect([0.0, 0.0, 5.0, 5.0])];
    let mut second = page(1);
    second.url = format!("{BASE}node_2.htm");
    second.page_no = Some("02".into());
    store(&store_, first.clone()).await;
    store(&store_, second.clone()).await;

    let pages = store_.page_regions("sample", date()).await.unwrap();
    let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(urls, vec![first.url.as_str(), second.url.as_str()]);
    let linked: Vec<(&String, &Vec<Region>)> = pages[0].articles.iter().collect();
    assert_eq!(
        linked,
        vec![(&first.articles[1].url, &first.articles[1].regions)],
        "only the articles with regions"
    );
    assert!(pages[1].articles.is_empty(), "{:?}", pages[1]);
    let other_day = date().succ_opt().unwrap();
    assert!(
        store_
            .page_regions("sample", other_day)
            .await
            .unwrap()
            .is_empty()
    );

    execute(
        &store_,
        r#"UPDATE pages SET article_regions = '{"http://paper.test/x":[{"shape":"rect","coords":[-1,0,1,1]}]}'
           WHERE url LIKE '%node_2.htm'"#,
    )
    .await;
    let error = store_
        .page_regions("sample", date())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&second.url) && error.contains("article_regions"),
        "{error}"
    );
    store_.close().await;
}

/// A page's map size is stored with it and read back with its pages and its articles' regions:
/// the export gives an article the regions of the first page (by URL) that maps it and that
/// page's size, and a later page whose map is in another space adds none of its regions; a
/// page stored again without a size has none; a stored pair that is no size is an error
/// naming the page.
pub(crate) async fn map_sizes_are_stored_with_the_page_and_give_the_regions_space(store_: Store) {
    let size = MapSize::new(400, 575).unwrap();
    let mut first = page(2);
    first.map_size = Some(size);
    first.articles[0].regions = vec![rect([1.0, 2.0, 300.0, 400.0])];
    first.articles[1].regions = vec![rect([5.0, 5.0, 6.0, 6.0])];
    // Page 2 maps article 0 again, in the same space, and article 1 in another.
    let mut second = page(2);
    second.url = format!("{BASE}node_2.htm");
    second.page_no = Some("02".into());
    second.map_size = Some(size);
    second.articles[0].regions = vec![rect([0.0, 500.0, 50.0, 560.0])];
    let mut third = page(2);
    third.url = format!("{BASE}node_3.htm");
    third.page_no = Some("03".into());
    third.map_size = MapSize::new(800, 1150);
    third.articles[1].regions = vec![rect([700.0, 700.0, 790.0, 1100.0])];
    let listed = [&first, &second, &third].map(|p| PageRef {
        page_no: p.page_no.clone(),
        page_name: p.page_name.clone(),
        url: p.url.clone(),
    });
    for page in [&mut first, &mut second, &mut third] {
        page.pages = listed.to_vec();
    }
    for page in [&first, &second, &third] {
        store(&store_, page.clone()).await;
    }
    for k in 0..2 {
        store_article(&store_, k, "段落。").await;
    }

    let pages = store_.pages_of("sample", date()).await.unwrap();
    let sizes: Vec<Option<MapSize>> = pages.iter().map(|p| p.map_size).collect();
    assert_eq!(sizes, vec![Some(size), Some(size), MapSize::new(800, 1150)]);

    let rows = exported(&store_).await;
    let got: Vec<(Vec<Region>, Option<MapSize>)> = rows
        .iter()
        .map(|a| (a.regions.clone(), a.regions_size))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                vec![
                    rect([1.0, 2.0, 300.0, 400.0]),
                    rect([0.0, 500.0, 50.0, 560.0])
                ],
                Some(size)
            ),
            (vec![rect([5.0, 5.0, 6.0, 6.0])], Some(size)),
        ]
    );
    let json = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(
        json["regions_size"],
        serde_json::json!({"width": 400, "height": 575})
    );

    // The first page again, now without a size: its regions are in the scan's pixels, and the
    // pages in 400×575 no longer share a space with it.
    let mut without_size = first.clone();
    without_size.map_size = None;
    store(&store_, without_size).await;
    let pages = store_.pages_of("sample", date()).await.unwrap();
    assert_eq!(pages[0].map_size, None);
    let rows = exported(&store_).await;
    assert_eq!(rows[0].regions, vec![rect([1.0, 2.0, 300.0, 400.0])]);
    assert_eq!(rows[0].regions_size, None);

    // A half-written or impossible size is an error naming the page, not a size made up.
    for (sql, says) in [
        (
            "UPDATE pages SET map_width = 400, map_height = NULL WHERE url LIKE '%node_2.htm'",
            "map_",
        ),
        (
            "UPDATE pages SET map_width = 0, map_height = 5 WHERE url LIKE '%node_2.htm'",
            "map size",
        ),
    ] {
        execute(&store_, sql).await;
        let error = store_
            .pages_of("sample", date())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&second.url) && error.contains(says),
            "{error}"
        );
    }
    let error = store_
        .export(&Default::default(), |_| Ok(()))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("map size"), "{error}");
    store_.close().await;
}

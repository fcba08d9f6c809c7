//! Article regions on the page scan: stored with the page, exported with the article.

use epaper_common::messages::{DocKind, PageRecord, Record, Region, Shape};
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

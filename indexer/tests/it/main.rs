//! The store's shared suite, run against both backends: PostgreSQL (a fresh database per test)
//! and SQLite (a fresh file per test). The same assertions must hold on each.

mod documents;
mod issues;
mod media;
mod regions;
mod support;
mod tsvector;

use documents::*;
use epaper_indexer::Store;
use epaper_indexer::testing::{FreshDatabase, random_suffix};
use issues::*;
use regions::*;

async fn postgres() -> (Store, FreshDatabase) {
    let db = FreshDatabase::create().await;
    let store = Store::connect(&db.url, 8).await.unwrap();
    store.migrate().await.unwrap();
    // Migrating twice is harmless.
    store.migrate().await.unwrap();
    (store, db)
}

async fn sqlite() -> (Store, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("epaper-store-{}.db", random_suffix()));
    let store = Store::connect(&format!("sqlite://{}", path.display()), 4)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    (store, path)
}

macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $case() {
                    let (store, db) = super::postgres().await;
                    super::$case(store).await;
                    db.drop_it().await;
                }
            )*
        }
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread")]
                async fn $case() {
                    let (store, path) = super::sqlite().await;
                    super::$case(store).await;
                    let _ = std::fs::remove_file(path);
                }
            )*
        }
    };
}

on_both_stores!(
    corrupt_rows_are_errors_naming_the_row,
    validators_and_the_newest_issue_for_recrawls,
    completes_in_any_order_and_redelivery_changes_nothing,
    failures_make_partial_and_absence_is_not_a_failure,
    concurrent_writers_leave_the_right_state,
    a_batch_commits_many_documents_at_once,
    search_follows_changed_articles,
    export_names_the_stored_media_of_each_article_and_its_page,
    export_gives_each_article_the_regions_of_its_pages,
    page_regions_are_read_back_per_page_and_checked,
    map_sizes_are_stored_with_the_page_and_give_the_regions_space,
    raw_documents_keep_their_http_head_and_stream_in_order,
);

//! Test support shared by the integration tests of several crates: a fresh PostgreSQL database
//! per test and random names, so tests never share state and can run in parallel.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 with trust auth, or an admin URL in `EPAPER_TEST_PG_ADMIN`.

use sqlx::Connection;

/// A short random hex string from the standard library's randomly keyed hasher.
pub fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

pub fn pg_admin_url() -> String {
    std::env::var("EPAPER_TEST_PG_ADMIN")
        .unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/postgres".into())
}

/// A database of its own for one test. Call [`FreshDatabase::drop_it`] at the end; a test that
/// panics first leaves a randomly named database behind, which is harmless.
pub struct FreshDatabase {
    pub name: String,
    pub url: String,
}

impl FreshDatabase {
    pub async fn create() -> FreshDatabase {
        let name = format!("epaper_test_{}", random_suffix());
        let mut admin = sqlx::PgConnection::connect(&pg_admin_url())
            .await
            .expect("PostgreSQL admin connection (is PostgreSQL running on 127.0.0.1:5432?)");
        // The name is ours, made of [a-z0-9_] only.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("CREATE DATABASE");
        let _ = admin.close().await;
        let admin_url = pg_admin_url();
        let server = admin_url
            .rsplit_once('/')
            .map(|(server, _)| server)
            .unwrap_or(&admin_url);
        FreshDatabase {
            url: format!("{server}/{name}"),
            name,
        }
    }

    pub async fn drop_it(self) {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&pg_admin_url()).await {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&mut admin)
            .await;
        }
    }
}

/// Every stored article, as `epaper export` gives them: what tests compare with the site.
pub async fn exported(store: &crate::Store) -> Vec<crate::ExportedArticle> {
    let mut rows = Vec::new();
    store
        .export(&crate::ExportFilter::default(), |row| {
            rows.push(row);
            Ok(())
        })
        .await
        .expect("the archive exports");
    rows
}

/// The state of `site`'s issue of `date` by its name (`"complete"`, `"partial"`, …), `None`
/// when the archive has no such issue: what tests compare with the state they expect.
pub async fn issue_state(
    store: &crate::Store,
    site: &str,
    date: chrono::NaiveDate,
) -> Option<&'static str> {
    store
        .issue_state(site, date)
        .await
        .expect("the issue state reads")
        .map(crate::IssueState::as_str)
}

//! PostgreSQL backend CPU per article, for BENCHMARKS.md's "where the time goes": CPU time is
//! steadier than wall time on a shared machine. Run instead of the criterion groups with
//! `EPAPER_BENCH_PROBE=1 cargo bench -p epaper-indexer --bench index` (`=N` for N rounds).
//!
//! For each schema variant: a fresh database, one connection (so one backend), 4 batches of
//! warm-up, then `BATCHES` batches of 256 new articles through `Store::apply`, built before the
//! clock starts. Prints the backend's CPU (from `/proc/<pid>/stat`), this process's CPU and the
//! wall time, per article.

use std::time::Instant;

use epaper_indexer::Store;
use epaper_indexer::testing::FreshDatabase;

use crate::{Articles, BATCH, items, runtime};

const BATCHES: usize = 24;

/// Schema variants: a name, the statements that make it from the migrated archive, and the
/// statements that finish its work after the batches (timed and counted with them: the GIN
/// work a variant only defers is still paid per article).
const VARIANTS: [(&str, &str, &str); 8] = [
    ("as migrated", "", ""),
    (
        "GIN pending list 16 MB",
        "ALTER INDEX articles_search SET (gin_pending_list_limit = 16384)",
        "",
    ),
    (
        "GIN fastupdate off",
        "ALTER INDEX articles_search SET (fastupdate = off)",
        "",
    ),
    (
        "GIN pending list 64 MB, no autovacuum, cleaned at the end",
        "ALTER INDEX articles_search SET (gin_pending_list_limit = 65536); \
         ALTER TABLE articles SET (autovacuum_enabled = off)",
        "SELECT gin_clean_pending_list('articles_search')",
    ),
    (
        "GIN built after the batches (CREATE INDEX)",
        "DROP INDEX articles_search",
        "CREATE INDEX articles_search ON articles USING gin (search)",
    ),
    ("without the GIN index", "DROP INDEX articles_search", ""),
    (
        // What storing the segmented text beside its tsvector costs: snippets are made from
        // the paragraphs, so PostgreSQL's search never reads it back.
        "search_text not kept (a trigger empties it)",
        "CREATE FUNCTION probe_drop_search_text() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN NEW.search_text := ''; RETURN NEW; END $$; \
         CREATE TRIGGER probe_drop_search_text BEFORE INSERT ON articles \
         FOR EACH ROW EXECUTE FUNCTION probe_drop_search_text()",
        "",
    ),
    (
        "raw bodies (deflated already) not compressed again by TOAST",
        "ALTER TABLE raw_documents ALTER COLUMN body SET STORAGE EXTERNAL",
        "",
    ),
];

/// Runs `;`-separated statements on the pool's one connection (the backend being measured).
fn run_statements(rt: &tokio::runtime::Runtime, pool: &sqlx::PgPool, sql: &str) {
    if !sql.is_empty() {
        rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(pool))
            .expect("variant statements");
    }
}

/// User plus system CPU of a process, in clock ticks (`/proc/<pid>/stat` fields 14 and 15).
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    let after_name = &stat[stat.rfind(')').expect("stat has the name in parentheses") + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// Milliseconds per article of `ticks` clock ticks (100 a second on Linux).
fn ms_per_article(ticks: u64, articles: usize) -> f64 {
    ticks as f64 * 10.0 / articles as f64
}

pub fn run(rounds: usize) {
    let rt = runtime();
    for round in 1..=rounds {
        for (name, sql, finish) in VARIANTS {
            let db = rt.block_on(FreshDatabase::create());
            let store = rt.block_on(async {
                let store = Store::connect(&db.url, 1).await.expect("connect");
                store.migrate().await.expect("migrate");
                store
            });
            let Store::Postgres(pool) = &store else {
                unreachable!("a PostgreSQL URL")
            };
            run_statements(&rt, pool, sql);
            let pid: i32 = rt
                .block_on(sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(pool))
                .expect("backend pid");
            let pid = pid.to_string();
            let mut articles = Articles { next: 0 };
            for _ in 0..4 {
                let batch = articles.batch();
                rt.block_on(store.apply(&items(&batch))).expect("warm-up");
            }
            let batches: Vec<_> = (0..BATCHES).map(|_| articles.batch()).collect();
            let (backend, client, start) = (cpu_ticks(&pid), cpu_ticks("self"), Instant::now());
            for batch in &batches {
                rt.block_on(store.apply(&items(batch))).expect("apply");
            }
            let finishing = cpu_ticks(&pid);
            run_statements(&rt, pool, finish);
            let finished = cpu_ticks(&pid);
            let wall = start.elapsed();
            let n = BATCHES * BATCH;
            // The finishing step works on every stored row, warm-up included: its cost is
            // counted per row it covers.
            let rows = n + 4 * BATCH;
            let finish_ms = (finished - finishing) as f64 * 10.0 / rows as f64;
            println!(
                "round {round}, {name}: backend {:.3} ms/article, client {:.3} ms/article, \
                 {:.0} articles/s",
                ms_per_article(finishing - backend, n) + finish_ms,
                ms_per_article(cpu_ticks("self") - client, n),
                n as f64 / wall.as_secs_f64(),
            );
            if !finish.is_empty() {
                println!(
                    "round {round}, {name}: of which the finishing step {finish_ms:.3} ms/article"
                );
            }
            if round == 1 && sql.is_empty() {
                rt.block_on(literal_costs(pool, n));
            }
            rt.block_on(store.close());
            rt.block_on(db.drop_it());
        }
    }
}

/// What a text literal would cost the server against the binary value the indexer sends:
/// PostgreSQL's time per stored article to compute `to_tsvector` (what the generated column
/// did), to print the tsvector as text, and to print and parse it again (a literal's parse is
/// the difference of the last two). `tsvectorrecv` of the binary value only copies and checks.
async fn literal_costs(pool: &sqlx::PgPool, n: usize) {
    const EXPRESSIONS: [&str; 3] = [
        "to_tsvector('simple', search_text)",
        "search::text",
        "search::text::tsvector",
    ];
    for expression in EXPRESSIONS {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let sql =
                format!("EXPLAIN (ANALYZE, TIMING OFF) SELECT count({expression}) FROM articles");
            let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await
                .expect("explain");
            let ms = plan
                .iter()
                .find_map(|line| line.strip_prefix("Execution Time: "))
                .and_then(|rest| rest.trim_end_matches(" ms").parse::<f64>().ok())
                .expect("an execution time");
            best = best.min(ms);
        }
        let rows = n + 4 * BATCH;
        println!("server: {expression}: {:.4} ms/article", best / rows as f64);
    }
}

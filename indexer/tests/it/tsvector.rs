//! The tsvector the indexer builds is exactly PostgreSQL's `to_tsvector('simple', …)` of the
//! same segmented text: checked in PostgreSQL, for fixture articles, for every letter the
//! builder vouches for, and for random mixtures of the characters whose reading differs.

use epaper_common::messages::{DocKind, FetchedDocument, Record};
use epaper_indexer::search::segment;
use epaper_indexer::testing::FreshDatabase;
use epaper_indexer::tsvector::{TsVector, build};
use epaper_indexer::{Item, Store};
use sqlx::PgPool;

use crate::support::{article, fetched};

/// Fixture articles: what the builder must build itself, and what it must leave to PostgreSQL.
const BUILT: [&str; 9] = [
    "北京社会工作者协会举办交流会，来自全市的志愿者参加了活动。",
    "今年一季度GDP同比增长5.3%，CPU价格下降0.25%，共有2024名大学生参加。",
    "全角数字２０２４年，全角字母ＡＢＣ与ｘｙｚ，英文Hello World与MiXeD Case。",
    "标点符号！？；：“引号”（括号）【方括号】——破折号……省略号、顿号。",
    "表情😀🎉❤️也在文中，🇨🇳国旗，emoji之后继续。",
    "外文：Café crème, Ωmega λόγος, Москва, ひらがな, カタカナ, 한국어.",
    "数字 007 与 3.14159 与 100% 与 12345678901234567890 以及 x86 和 5G网络。",
    "𠀀𠀁 扩展汉字 㐀㐁 兼容汉字 豈更 在句中。",
    "\u{3000}全角空格\u{00A0}不换行空格\t制表符\n换行\r\n回车换行。",
];

const LEFT_TO_POSTGRESQL: [&str; 6] = [
    "COVID-19疫情",
    "访问https://example.com/a?b=1查看",
    "邮箱 someone@example.com 联系",
    "版本v1.2.3发布",
    "科学计数1e5x",
    "变量名user_name",
];

/// `(built, segmented)` pairs where the built value differs from PostgreSQL's, with both
/// values as text.
async fn mismatches(pool: &PgPool, pairs: &[(TsVector, String)]) -> Vec<(String, String)> {
    let (vectors, texts): (Vec<TsVector>, Vec<String>) = pairs.iter().cloned().unzip();
    sqlx::query_as(
        "SELECT v::text, to_tsvector('simple', s)::text
         FROM unnest($1::tsvector[], $2::text[]) AS t(v, s)
         WHERE v IS DISTINCT FROM to_tsvector('simple', s)",
    )
    .bind(vectors)
    .bind(texts)
    .fetch_all(pool)
    .await
    .unwrap()
}

fn built(text: &str) -> Option<(TsVector, String)> {
    let segmented = segment(text);
    build(&segmented).map(|v| (v, segmented))
}

async fn pool() -> (PgPool, FreshDatabase) {
    let db = FreshDatabase::create().await;
    (PgPool::connect(&db.url).await.unwrap(), db)
}

#[tokio::test]
async fn fixture_articles_get_postgresqls_tsvector() {
    let (pool, db) = pool().await;
    let long = BUILT.join("").repeat(300);
    let mut pairs: Vec<(TsVector, String)> = Vec::new();
    for text in BUILT.iter().copied().chain([long.as_str()]) {
        let pair = built(text).unwrap_or_else(|| panic!("not built: {}", segment(text)));
        assert!(!pair.0.is_empty(), "{text}");
        pairs.push(pair);
    }
    assert!(
        segment(&long).split(' ').count() > 20_000,
        "past the last position"
    );
    for text in LEFT_TO_POSTGRESQL {
        assert!(built(text).is_none(), "{text}: {}", segment(text));
    }
    assert_eq!(mismatches(&pool, &pairs).await, vec![]);
    pool.close().await;
    db.drop_it().await;
}

/// Every letter the builder takes as a word of its own, and every ideograph, is read by
/// PostgreSQL as one lexeme, itself.
#[tokio::test]
async fn every_letter_vouched_for_is_a_lexeme_of_its_own() {
    let (pool, db) = pool().await;
    let mut pairs = Vec::new();
    for c in ('\u{00C0}'..='\u{FFFF}').chain('\u{20000}'..='\u{2FA1F}') {
        let word = c.to_string();
        if let Some(vector) = build(&word) {
            pairs.push((vector, word));
        }
    }
    assert!(pairs.len() > 80_000, "{}", pairs.len());
    assert_eq!(mismatches(&pool, &pairs).await, vec![]);
    pool.close().await;
    db.drop_it().await;
}

/// Random mixtures of ideographs, letters, digits and the characters PostgreSQL's parser reads
/// specially (`.`, `%`, `-`, `e` after digits, `_`, `@`, `/`, other scripts, emoji): wherever
/// the builder answers, it answers as PostgreSQL does; and it answers for most.
#[tokio::test]
async fn random_texts_get_postgresqls_tsvector() {
    const PIECES: [&str; 43] = [
        "社会", "工作", "北京", "的", "增长", "a", "B", "z", "x", "0", "1", "9", "e", "E", ".",
        "%", "-", "_", " ", "，", "。", "２", "Ａ", "é", "Σ", "😀", "の", "한", "İ", "\u{301}",
        "\n", "+", "#", "&", "/", ":", "@", "ß", "Ⅻ", "²", "\u{9FFF}", "\u{FA6E}", "𠀀",
    ];
    let (pool, db) = pool().await;
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut pairs = Vec::new();
    let n = 12_000;
    for _ in 0..n {
        let len = 1 + next(30);
        let text: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
        if let Some(pair) = built(&text) {
            pairs.push(pair);
        }
    }
    eprintln!("built {} of {n}", pairs.len());
    assert!(pairs.len() > n / 10, "built only {} of {n}", pairs.len());
    assert_eq!(mismatches(&pool, &pairs).await, vec![]);
    pool.close().await;
    db.drop_it().await;
}

/// Through the store: articles the builder vouches for and articles it leaves to PostgreSQL
/// alike end up with `search` equal to `to_tsvector('simple', search_text)`, and are found.
#[tokio::test(flavor = "multi_thread")]
async fn stored_articles_hold_postgresqls_tsvector() {
    let db = FreshDatabase::create().await;
    let store = Store::connect(&db.url, 2).await.unwrap();
    store.migrate().await.unwrap();
    let texts: Vec<&str> = BUILT.iter().chain(&LEFT_TO_POSTGRESQL).copied().collect();
    let records: Vec<Record> = texts
        .iter()
        .enumerate()
        .map(|(k, text)| Record::Article(article(k, text)))
        .collect();
    let docs: Vec<FetchedDocument> = records
        .iter()
        .zip(&texts)
        .map(|(r, text)| match r {
            Record::Article(a) => fetched(&a.url, DocKind::Article, text),
            Record::Page(_) => unreachable!(),
        })
        .collect();
    let items: Vec<Item> = docs
        .iter()
        .zip(&records)
        .map(|(d, r)| Item::document(d, r))
        .collect();
    store.apply(&items).await.unwrap();
    let Store::Postgres(pool) = &store else {
        unreachable!()
    };
    let (rows, differing): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE search <> to_tsvector('simple', search_text))
         FROM articles",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((rows, differing), (texts.len() as i64, 0));
    for word in ["志愿者", "covid", "gdp", "hello"] {
        let hits = crate::documents::found(&store, word).await;
        assert_eq!(hits.len(), 1, "{word}: {hits:?}");
    }
    store.close().await;
    db.drop_it().await;
}

/// An archive written before migration 0009 (the generated column) keeps every row's value and
/// its index through the migration, and takes new articles after it.
#[tokio::test(flavor = "multi_thread")]
async fn migration_0009_keeps_the_stored_values_and_the_index() {
    let db = FreshDatabase::create().await;
    let pool = PgPool::connect(&db.url).await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut before = sqlx::migrate::Migrator::new(dir).await.unwrap();
    let older: Vec<_> = before
        .migrations
        .iter()
        .filter(|m| m.version < 9)
        .cloned()
        .collect();
    before.migrations = older.into();
    before.run(&pool).await.unwrap();
    let texts: Vec<String> = BUILT
        .iter()
        .chain(&LEFT_TO_POSTGRESQL)
        .map(|t| segment(t))
        .collect();
    for (k, text) in texts.iter().enumerate() {
        sqlx::query(
            "INSERT INTO articles (url, site, issue_date, paragraphs, images, content_hash,
                updated_at, search_text)
             VALUES ($1, 'old', DATE '2020-01-01', '[]', '[]', 'h', now(), $2)",
        )
        .bind(format!("http://old.test/{k}"))
        .bind(text)
        .execute(&pool)
        .await
        .unwrap();
    }
    let values = async || -> Vec<(String, String)> {
        sqlx::query_as("SELECT url, search::text FROM articles ORDER BY url")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    let generated = values().await;
    let store = Store::connect(&db.url, 2).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(values().await, generated);
    let (generated_columns, indexed): (i64, bool) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM information_schema.columns
                 WHERE table_name = 'articles' AND is_generated = 'ALWAYS'),
                EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'articles_search')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((generated_columns, indexed), (0, true));
    crate::support::store_article(&store, 0, BUILT[0]).await;
    let hits = crate::documents::found(&store, "志愿者").await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    store.close().await;
    pool.close().await;
    db.drop_it().await;
}

//! Parsing speed per document, one thread: article pages and page nodes of every family.
//!
//! The real pages of `../shared/real-pages` (a 35 KB 河南商报 article, 13–48 KB page nodes) are
//! what the goal (2,000 article pages per second on one core) is about; the project's own
//! fixtures are measured too, so the bench runs where the real pages are absent. Numbers are in
//! BENCHMARKS.md; run with `cargo bench -p epaper-parser`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

struct Doc {
    name: String,
    url: String,
    bytes: Vec<u8>,
}

fn docs() -> Vec<Doc> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/real-pages");
    let mut docs = Vec::new();
    let mut add = |name: &str, url: &str, path: std::path::PathBuf| match std::fs::read(&path) {
        Ok(bytes) => docs.push(Doc {
            name: name.to_string(),
            url: url.to_string(),
            bytes,
        }),
        Err(error) => eprintln!("skipping {name}: {}: {error}", path.display()),
    };
    add(
        "article/real/hnsb_classic",
        "http://newpaper.dahe.cn/hnsb/html/2022-02/12/content_547409.htm",
        real.join("hnsb/2022-02-12/content_547409.htm"),
    );
    add(
        "article/fixture/rmrb_new",
        "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
        fixtures.join("founder_new/rmrb_article.html"),
    );
    add(
        "article/fixture/rmrb_nbs",
        "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
        fixtures.join("nbs/nw.D110000renmrb_20180306_2-02.htm"),
    );
    add(
        "page/real/kjrb_classic",
        "http://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2023-02/10/node_2.htm",
        real.join("kjrb/2023-02-10/node_2.htm"),
    );
    add(
        "page/real/rmrb_new",
        "https://paper.people.com.cn/rmrb/pc/layout/202603/10/node_01.html",
        real.join("rmrb/2026-03-10/node_01.html"),
    );
    add(
        "page/real/rmrb_nbs",
        "http://paper.people.com.cn/rmrb/html/2017-10/16/nbs.D110000renmrb_01.htm",
        real.join("rmrb/2017-10-16/nbs.D110000renmrb_01.htm"),
    );
    add(
        "page/fixture/rmrb_new",
        "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
        fixtures.join("founder_new/rmrb_page.html"),
    );
    add(
        "article/fixture/bjrbdzb",
        "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_002/content_20250618_002_3.htm",
        fixtures.join("bjrb/content_20250618_002_3.htm"),
    );
    add(
        "page/fixture/bjrbdzb_issue",
        "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html?page=1",
        fixtures.join("bjrb/20250618_m.html"),
    );
    add(
        "page/fixture/plist",
        "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002.html",
        fixtures.join("bjrb/20250618_002.html"),
    );
    add(
        "article/fixture/read_do",
        "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&sid=512345&idate=2_2025-06-18",
        fixtures.join("read_do/article.html"),
    );
    add(
        "page/fixture/read_do",
        "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&idate=2_2025-06-18",
        fixtures.join("read_do/page.html"),
    );
    docs
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for doc in docs() {
        epaper_parser::parse(&doc.url, &doc.bytes, None)
            .unwrap_or_else(|error| panic!("{} does not parse: {error}", doc.name));
        group.throughput(Throughput::Elements(1));
        group.bench_function(&doc.name, |b| {
            b.iter(|| epaper_parser::parse(&doc.url, &doc.bytes, None).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);

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
    for (name, url, file) in [
        (
            "article/fixture/pre_title_new",
            "https://paper.example.cn/xzrb/pc/paper/c/202506/18/c_20002.html",
            "layoutlist_article.html",
        ),
        (
            "article/fixture/newsdeta_new",
            "https://paper.example.cn/PC/content/202506/18/content_1202.html",
            "chunkicon_article.html",
        ),
        (
            "article/fixture/pad_new",
            "https://paper.example.cn/hbrb/pad/content/202506/18/content_3001.html",
            "pad_article.html",
        ),
        (
            "page/fixture/navlist_new",
            "https://paper.example.cn/gsrb/pc/layout/202506/18/node_02.html",
            "navlist_page.html",
        ),
        (
            "page/fixture/chunkicon_new",
            "https://paper.example.cn/PC/layout/202506/18/colA02.html",
            "chunkicon_page.html",
        ),
        (
            "page/fixture/webtree_new",
            "https://paper.example.cn/zqsb/col/202506/18/node_A001.html",
            "webtree_page.html",
        ),
    ] {
        add(name, url, fixtures.join("founder_new").join(file));
    }
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
        "article/fixture/shtml",
        "http://epaper.example.cn/shtml/ycwb/20250618/712345.shtml",
        fixtures.join("shtml/xpublish_712345.shtml"),
    );
    add(
        "page/fixture/shtml",
        "http://epaper.example.cn/shtml/ycwb/20250618/vA2.shtml",
        fixtures.join("shtml/xpublish_vA2.shtml"),
    );
    add(
        "article/fixture/bmml",
        "http://epaper.example.cn/xawb/20250618/html/content_20418.htm",
        fixtures.join("bmml/content_20418.htm"),
    );
    add(
        "page/fixture/bmml",
        "http://epaper.example.cn/xawb/20250618/html/page_2.htm",
        fixtures.join("bmml/page_2.htm"),
    );
    add(
        "article/fixture/qpaper",
        "http://epaper.example.cn/Html/2025-06-18/3100202.html",
        fixtures.join("qpaper/3100202.html"),
    );
    add(
        "page/fixture/qpaper",
        "http://epaper.example.cn/Html/2025-06-18/Qpaper_2.html",
        fixtures.join("qpaper/Qpaper_2.html"),
    );
    add(
        "article/fixture/wz_classic",
        "http://epaper.example.cn/bhrb/html/2024-03/05/content_20321.htm",
        fixtures.join("classic/wz_content_20321.htm"),
    );
    add(
        "page/fixture/bmdh_classic",
        "http://epaper.example.cn/bhrb/html/2024-03/05/node_2.htm",
        fixtures.join("classic/bmdh_node_2.htm"),
    );
    add(
        "article/fixture/paper_index",
        "http://paper.example.cn/wfwb/content/20240305/ArticelA03002JQ.htm",
        fixtures.join("paper_index/ArticelA03002JQ.htm"),
    );
    add(
        "page/fixture/paper_index",
        "https://paper.example.cn/bddsb/20240305/PageA01BC.htm",
        fixtures.join("paper_index/PageA01BC.htm"),
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

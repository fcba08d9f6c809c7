//! `parse(url, bytes, content_type)` on any input: it must return, never panic, within the
//! run's `-timeout`, and whatever record it returns carries only `http`/`https` links.
//!
//! The first input byte picks the document URL, so every layout family's URL pattern (and no
//! pattern, and a non-HTTP base) is exercised; the second picks the declared content type; the
//! rest is the document. `seed.sh` builds the starting corpus from the parser's own fixtures.

#![no_main]

use epaper_common::messages::Record;
use libfuzzer_sys::fuzz_target;

const URLS: [&str; 28] = [
    "http://paper.example.cn/kjb/html/2023-03/22/node_2.htm",
    "http://paper.example.cn/kjb/html/2023-03/22/content_1001.htm",
    "https://paper.example.cn/rmrb/pc/layout/202506/18/node_01.html",
    "https://paper.example.cn/rmrb/pc/content/202506/18/content_40000102.html",
    "http://paper.example.cn/rmrb/html/2018-03/06/nbs.D110000renmrb_02.htm",
    "http://paper.example.cn/rmrb/html/2018-03/06/nw.D110000renmrb_20180306_2-02.htm",
    "https://paper.example.cn/index.html",
    "file:///tmp/saved.html",
    "not a url",
    "http://paper.example.cn/shtml/ycwb/20250618/vA2.shtml",
    "http://paper.example.cn/shtml/ycwb/20250618/712345.shtml",
    "http://paper.example.cn/xawb/20250618/html/page_2.htm",
    "http://paper.example.cn/xawb/20250618/html/content_20418.htm",
    "http://paper.example.cn/Html/2025-06-18/Qpaper_2.html",
    "http://paper.example.cn/Html/2025-06-18/3100202.html",
    "https://paper.example.cn/PC/layout/202506/18/colA02.html",
    "https://paper.example.cn/PC/content/202506/18/content_1202.html",
    "https://paper.example.cn/zqsb/col/202506/18/node_A001.html",
    "https://paper.example.cn/hbrb/pad/content/202506/18/content_3001.html",
    "http://paper.example.cn/dzrb/content/20240305/Page01TB.htm",
    "http://paper.example.cn/dzrb/content/20240305/Articel02003TB.htm",
    "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_m.html?page=1",
    "http://paper.example.cn/bjrb/mobile/2025/20250618/20250618_002/content_20250618_002_3.htm",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_plist.htm",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002.html",
    "http://paper.example.cn/fzrb/2025/20250618/20250618_002/20250618_002_3.htm",
    "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&idate=2_2025-06-18",
    "http://paper.example.cn/epaper/read.do?m=i&iid=6120&eid=41235&sid=512345&idate=2_2025-06-18",
];

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=GBK"),
    Some("text/html;charset=gb2312"),
    Some("text/html; charset=\"big5\""),
    Some("text/html; charset=x-unknown"),
];

fn web_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

fuzz_target!(|data: &[u8]| {
    let [url, content_type, document @ ..] = data else {
        return;
    };
    let url = URLS[usize::from(*url) % URLS.len()];
    let content_type = CONTENT_TYPES[usize::from(*content_type) % CONTENT_TYPES.len()];
    match epaper_parser::parse(url, document, content_type) {
        Err(_) => {}
        Ok(Record::Page(page)) => {
            let links = page
                .pages
                .iter()
                .map(|p| &p.url)
                .chain(page.articles.iter().map(|a| &a.url))
                .chain(&page.image_url)
                .chain(&page.pdf_url)
                .chain(&page.prev_issue_url)
                .chain(&page.next_issue_url);
            for link in links {
                assert!(web_url(link), "a page kept the link {link:?}");
            }
        }
        Ok(Record::Article(article)) => {
            for image in &article.images {
                assert!(web_url(&image.url), "an article kept the image {:?}", image.url);
            }
        }
    }
});

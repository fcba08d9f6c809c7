//! Encodings: the same article served as GBK must read exactly like the UTF-8 one.

use crate::classic_article::{
    ARTICLE_URL, PARAGRAPHS, TITLE, article_html, enpproperty, expected_article,
};
use crate::support::{article, gbk_with_crlf};

#[test]
fn gbk_article_without_any_declared_charset_reads_like_the_utf8_one() {
    let bytes = gbk_with_crlf(&article_html("", "", &enpproperty("", "")));
    let record = article(ARTICLE_URL, &bytes, Some("text/html"));
    assert_eq!(record.title.as_deref(), Some(TITLE));
    assert_eq!(record.paragraphs, PARAGRAPHS);
    assert_eq!(record, expected_article());
}

#[test]
fn gbk_article_wrongly_declared_utf8_reads_like_the_utf8_one() {
    let bytes = gbk_with_crlf(&article_html(
        "<meta charset=utf-8>",
        "",
        &enpproperty("", ""),
    ));
    // Declared in the document only, then also in the HTTP header: both are wrong.
    for content_type in [None, Some("text/html; charset=UTF-8")] {
        let record = article(ARTICLE_URL, &bytes, content_type);
        assert_eq!(record.title.as_deref(), Some(TITLE), "{content_type:?}");
        assert_eq!(record.paragraphs, PARAGRAPHS, "{content_type:?}");
        assert_eq!(record, expected_article(), "{content_type:?}");
    }
}

#[test]
fn gbk_article_declared_gb2312_keeps_characters_outside_gb2312() {
    let meta = r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />"#;
    let bytes = gbk_with_crlf(&article_html(meta, "", &enpproperty("", "")));
    let record = article(ARTICLE_URL, &bytes, Some("text/html"));
    assert_eq!(record.title.as_deref(), Some(TITLE));
    assert!(
        record.paragraphs[3].contains("王镕"),
        "{:?}",
        record.paragraphs[3]
    );
    assert_eq!(record.paragraphs, PARAGRAPHS);
    assert_eq!(record, expected_article());
}

#[test]
fn utf8_article_wrongly_declared_gb2312_reads_as_utf8() {
    let meta = r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />"#;
    let html = article_html(meta, "", &enpproperty("", "")).replace('\n', "\r\n");
    let record = article(
        ARTICLE_URL,
        html.as_bytes(),
        Some("text/html; charset=gb2312"),
    );
    assert_eq!(record, expected_article());
}

-- Articles, many rows at once: the VALUES go where the marker comment stands. On PostgreSQL the
-- SEARCH markers become the `search` tsvector column (store/writes.rs); SQLite's full-text
-- index is kept by triggers.
INSERT INTO articles (url, site, issue_date, page_no, page_name, pretitle, title,
    subtitle, author, paragraphs, images, content_hash, updated_at, search_text
    /* SEARCH COLUMN */)
/* VALUES */
ON CONFLICT (url) DO UPDATE SET page_no = EXCLUDED.page_no,
    page_name = EXCLUDED.page_name, pretitle = EXCLUDED.pretitle,
    title = EXCLUDED.title, subtitle = EXCLUDED.subtitle,
    author = EXCLUDED.author, paragraphs = EXCLUDED.paragraphs,
    images = EXCLUDED.images, content_hash = EXCLUDED.content_hash,
    updated_at = EXCLUDED.updated_at, search_text = EXCLUDED.search_text
    /* SEARCH SET */
WHERE articles.content_hash IS DISTINCT FROM EXCLUDED.content_hash

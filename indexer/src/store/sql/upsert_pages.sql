-- Pages, many rows at once: the VALUES go where the marker comment stands.
INSERT INTO pages (url, site, issue_date, page_idx, page_no, page_name,
    image_url, pdf_url, article_urls, article_regions, map_width, map_height, content_hash,
    updated_at)
/* VALUES */
ON CONFLICT (url) DO UPDATE SET page_idx = EXCLUDED.page_idx,
    page_no = EXCLUDED.page_no, page_name = EXCLUDED.page_name,
    image_url = EXCLUDED.image_url, pdf_url = EXCLUDED.pdf_url,
    article_urls = EXCLUDED.article_urls, article_regions = EXCLUDED.article_regions,
    map_width = EXCLUDED.map_width, map_height = EXCLUDED.map_height,
    content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at
WHERE pages.content_hash IS DISTINCT FROM EXCLUDED.content_hash

-- Every stored article matching the filter, with the media of the article (its images) and of
-- its 版 (scan, PDF) as `kind url sha256 size` lines; URLs hold no spaces or line breaks.
-- With them, the `article_regions` objects of the issue's pages that may name the article, one a
-- line after the page's map size, in page URL order (LIKE only narrows: the reader keeps the
-- regions of the article's exact URL, in the space of the first page that maps it).
-- {agg} and {regions_agg} are the parts that differ by backend: the string aggregates (see
-- reads.rs).
SELECT a.site, a.issue_date, a.page_no, a.page_name, a.url, a.pretitle, a.title,
    a.subtitle, a.author, a.paragraphs, a.images,
    (SELECT {agg} FROM media m WHERE m.owner_url = a.url) AS own_media,
    (SELECT {agg} FROM media m WHERE m.owner_url = (
        SELECT p.url FROM pages p WHERE p.site = a.site AND p.issue_date = a.issue_date
          AND p.page_no = a.page_no ORDER BY p.url LIMIT 1)) AS page_media,
    (SELECT {regions_agg} FROM pages p WHERE p.site = a.site AND p.issue_date = a.issue_date
          AND p.article_regions LIKE '%' || a.url || '%') AS page_regions
FROM articles a
WHERE ($1 IS NULL OR a.site = $1) AND ($2 IS NULL OR a.issue_date >= $2)
  AND ($3 IS NULL OR a.issue_date <= $3)
ORDER BY a.site, a.issue_date, a.page_no, a.url

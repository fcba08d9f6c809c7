-- Full-text search on SQLite: FTS5 over the same segmented text, ranked by bm25.
SELECT a.site, a.issue_date, a.page_no, a.url, a.title, a.paragraphs,
    -bm25(articles_fts) AS rank
FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
WHERE articles_fts MATCH $1
  AND ($2 IS NULL OR a.site = $2) AND ($3 IS NULL OR a.issue_date >= $3)
  AND ($4 IS NULL OR a.issue_date <= $4)
ORDER BY rank DESC, a.issue_date DESC, a.url
LIMIT $5

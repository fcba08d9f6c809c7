-- Full-text search on PostgreSQL: the generated tsvector('simple') of the segmented text.
SELECT site, issue_date, page_no, url, title, paragraphs,
    ts_rank(search, plainto_tsquery('simple', $1))::float8 AS rank
FROM articles
WHERE search @@ plainto_tsquery('simple', $1)
  AND ($2 IS NULL OR site = $2) AND ($3 IS NULL OR issue_date >= $3)
  AND ($4 IS NULL OR issue_date <= $4)
ORDER BY rank DESC, issue_date DESC, url
LIMIT $5

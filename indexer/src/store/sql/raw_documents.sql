-- Archived raw documents matching the filter, pages before articles within an issue.
SELECT url, site, issue_date, kind, status, content_type, etag, last_modified,
    fetched_at, body, http_head
FROM raw_documents
WHERE ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
  AND ($3 IS NULL OR issue_date <= $3)
ORDER BY site, issue_date, kind DESC, url

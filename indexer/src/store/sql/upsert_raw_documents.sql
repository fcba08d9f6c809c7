-- Raw documents, many rows at once: the VALUES go where the marker comment stands.
INSERT INTO raw_documents (url, site, issue_date, kind, status, content_type, etag,
    last_modified, fetched_at, body, sha256, http_head)
/* VALUES */
ON CONFLICT (url) DO UPDATE SET status = EXCLUDED.status,
    content_type = EXCLUDED.content_type, etag = EXCLUDED.etag,
    last_modified = EXCLUDED.last_modified, fetched_at = EXCLUDED.fetched_at,
    body = EXCLUDED.body, sha256 = EXCLUDED.sha256,
    http_head = EXCLUDED.http_head
WHERE raw_documents.sha256 IS DISTINCT FROM EXCLUDED.sha256

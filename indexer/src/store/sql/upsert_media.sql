-- A stored medium: which URL gave which bytes, and which page or article owns it.
INSERT INTO media (url, site, issue_date, kind, owner_url, content_type, size,
    sha256, fetched_at, http_status, http_head)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (url) DO UPDATE SET kind = EXCLUDED.kind, owner_url = EXCLUDED.owner_url,
    content_type = EXCLUDED.content_type, size = EXCLUDED.size,
    sha256 = EXCLUDED.sha256, fetched_at = EXCLUDED.fetched_at,
    http_status = EXCLUDED.http_status, http_head = EXCLUDED.http_head
WHERE media.sha256 IS DISTINCT FROM EXCLUDED.sha256

-- The status and the status line's other parts and response headers each medium (page scan, PDF,
-- article image) was served with; the head as JSON in the same form as raw_documents.http_head
-- (capped, no cookies or credentials), so that `epaper export --format warc` writes media as
-- `response` records with the site's own headers, like pages and articles. NULL for media
-- archived before they were kept, or imported from a WARC `resource` record: those are exported
-- as `resource` records.
ALTER TABLE media ADD COLUMN http_status INTEGER;
ALTER TABLE media ADD COLUMN http_head TEXT;

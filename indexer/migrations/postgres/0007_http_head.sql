-- The status line and response headers each raw document was served with, as JSON
-- ({"version": "HTTP/1.1", "reason": "OK", "headers": [[name, value], ...]}: capped, cookies and
-- credential-like headers dropped, see `HttpHead` in common/src/messages/http.rs), so that
-- `epaper export --format warc` writes the site's own headers. NULL for documents archived
-- before they were kept; the WARC export synthesizes their headers from the stored fields and
-- says so in the record.
ALTER TABLE raw_documents ADD COLUMN http_head TEXT;

-- Page scans, page PDFs and article images: the bytes live in the media store, content-addressed
-- (<dir>/<aa>/<sha256>, each file once however many URLs serve it); this table says which URL
-- gave which bytes, and to which page or article they belong.
CREATE TABLE media (
    url         TEXT   PRIMARY KEY,
    site        TEXT   NOT NULL,
    issue_date  TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    owner_url   TEXT   NOT NULL,
    content_type TEXT,
    size        INTEGER NOT NULL,
    sha256      TEXT   NOT NULL,
    fetched_at  TEXT NOT NULL
);
CREATE INDEX media_issue ON media (site, issue_date);
CREATE INDEX media_sha256 ON media (sha256);

-- Completeness counts media too: an issue whose PDF failed is partial.
ALTER TABLE issues ADD COLUMN n_media_expected INTEGER;
ALTER TABLE issues ADD COLUMN n_media_failures INTEGER NOT NULL DEFAULT 0;

-- The archive: issues with their state, pages, articles, the raw documents they came from, and
-- what failed. Every table is keyed so that re-applying a message changes nothing.

CREATE TABLE issues (
    site                TEXT        NOT NULL,
    issue_date          DATE        NOT NULL,
    -- queued, crawling, parsing, complete, partial, failed, absent
    state               TEXT        NOT NULL,
    n_pages_expected    BIGINT,
    n_articles_expected BIGINT,
    n_page_failures     BIGINT      NOT NULL DEFAULT 0,
    n_article_failures  BIGINT      NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site, issue_date)
);

CREATE TABLE pages (
    url          TEXT        PRIMARY KEY,
    site         TEXT        NOT NULL,
    issue_date   DATE        NOT NULL,
    page_idx     BIGINT,
    page_no      TEXT,
    page_name    TEXT,
    image_url    TEXT,
    pdf_url      TEXT,
    article_urls TEXT        NOT NULL,
    content_hash TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX pages_issue ON pages (site, issue_date);

CREATE TABLE articles (
    url          TEXT        PRIMARY KEY,
    site         TEXT        NOT NULL,
    issue_date   DATE        NOT NULL,
    page_no      TEXT,
    page_name    TEXT,
    pretitle     TEXT,
    title        TEXT,
    subtitle     TEXT,
    author       TEXT,
    paragraphs   TEXT        NOT NULL,
    images       TEXT        NOT NULL,
    content_hash TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX articles_issue ON articles (site, issue_date);

CREATE TABLE raw_documents (
    url           TEXT        PRIMARY KEY,
    site          TEXT        NOT NULL,
    issue_date    DATE        NOT NULL,
    kind          TEXT        NOT NULL,
    status        BIGINT      NOT NULL,
    content_type  TEXT,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TIMESTAMPTZ NOT NULL,
    -- deflate-compressed bytes exactly as served
    body          BYTEA       NOT NULL,
    sha256        TEXT        NOT NULL
);

CREATE TABLE failures (
    site        TEXT        NOT NULL,
    issue_date  DATE        NOT NULL,
    url         TEXT        NOT NULL,
    stage       TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site, issue_date, url, stage)
);

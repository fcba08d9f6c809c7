-- Chinese full-text search: the indexer segments each article with jieba into space-separated
-- words (search_text); PostgreSQL's 'simple' configuration then indexes those words as they are.
ALTER TABLE articles ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
CREATE INDEX articles_search ON articles USING GIN (search);

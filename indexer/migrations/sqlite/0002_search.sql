-- Chinese full-text search: the indexer segments each article with jieba into space-separated
-- words (search_text); an FTS5 table keyed by the article's rowid indexes them, kept in step by
-- triggers so no write path can forget it.
ALTER TABLE articles ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE VIRTUAL TABLE articles_fts USING fts5(search_text, tokenize = 'unicode61');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF search_text ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.rowid;
    INSERT INTO articles_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.rowid;
END;

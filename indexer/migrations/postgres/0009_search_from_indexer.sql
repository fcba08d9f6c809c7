-- The indexer now builds each article's tsvector from its own jieba segmentation and sends it
-- (src/tsvector.rs); computing it here from search_text was about half of PostgreSQL's CPU per
-- new article (BENCHMARKS.md). Where the indexer cannot vouch for a word it sends no value and
-- the insert computes to_tsvector('simple', search_text) as before, so a row's `search` is
-- always exactly what the generated column held.
--
-- DROP EXPRESSION turns the generated column into a plain one in place: every existing row keeps
-- the value the old expression computed (so no backfill is needed, and none is run), the GIN
-- index articles_search and the column's lz4 compression stay, and the table is not rewritten.
ALTER TABLE articles ALTER COLUMN search DROP EXPRESSION;
-- No default: a write that forgot the value fails loudly instead of storing an unfindable row.
ALTER TABLE articles ALTER COLUMN search SET NOT NULL;

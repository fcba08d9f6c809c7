-- Compress the large columns with lz4 instead of the default pglz. Measured with the indexing
-- benchmark (BENCHMARKS.md): pglz was about a fifth of the backend's CPU per inserted article.
-- Only values written from now on use lz4; older ones stay pglz, and both read back the same.
-- A server built without lz4 refuses the change, and then keeps pglz.
DO $$
BEGIN
    ALTER TABLE articles
        ALTER COLUMN paragraphs SET COMPRESSION lz4,
        ALTER COLUMN images SET COMPRESSION lz4,
        ALTER COLUMN search_text SET COMPRESSION lz4,
        ALTER COLUMN search SET COMPRESSION lz4;
    ALTER TABLE pages ALTER COLUMN article_urls SET COMPRESSION lz4;
    ALTER TABLE raw_documents ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not supported by this server; large columns stay pglz';
END
$$;

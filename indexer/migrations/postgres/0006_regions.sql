-- Where each article of a page sits on its scan: a JSON object from article URL to its regions
-- (contract 1's `ArticleRef.regions`), holding only the articles that have some. `epaper export`
-- gives each article the regions its URL has on its pages.
ALTER TABLE pages ADD COLUMN article_regions TEXT NOT NULL DEFAULT '{}';

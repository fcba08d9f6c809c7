-- An issue's state from what is stored: the manifest's expected counts against the pages,
-- articles and media stored plus the fetches that failed. `absent` stays absent.
-- $1 site, $2 issue date, $3 now; the states are bound from IssueState:
-- $4 absent, $5 parsing, $6 partial, $7 complete.
UPDATE issues SET state = CASE
    WHEN state = $4 THEN $4
    WHEN n_articles_expected IS NULL OR n_pages_expected IS NULL THEN $5
    WHEN (SELECT COUNT(*) FROM articles a WHERE a.site = issues.site AND a.issue_date = issues.issue_date)
            + n_article_failures >= n_articles_expected
     AND (SELECT COUNT(*) FROM pages p WHERE p.site = issues.site AND p.issue_date = issues.issue_date)
            + n_page_failures >= n_pages_expected
     AND (SELECT COUNT(*) FROM media m WHERE m.site = issues.site AND m.issue_date = issues.issue_date)
            + n_media_failures >= COALESCE(n_media_expected, 0)
    THEN CASE WHEN n_article_failures + n_page_failures + n_media_failures > 0
              THEN $6 ELSE $7 END
    ELSE $5 END,
    updated_at = $3
WHERE site = $1 AND issue_date = $2

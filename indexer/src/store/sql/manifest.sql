-- What a manifest says about its issue: the expected counts and failures, or that it is absent.
-- $7 is whether the issue is absent, $11 the absent state (IssueState::Absent).
UPDATE issues SET n_pages_expected = $3, n_articles_expected = $4,
    n_page_failures = $5, n_article_failures = $6,
    state = CASE WHEN $7 THEN $11 ELSE state END, updated_at = $8,
    n_media_expected = $9, n_media_failures = $10
WHERE site = $1 AND issue_date = $2

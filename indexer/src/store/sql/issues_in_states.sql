-- Issues in any of the states of the JSON array $4, oldest first.
-- {states} is the one part that differs by backend: how a JSON array becomes rows (see issues.rs).
SELECT site, issue_date FROM issues
WHERE state IN ({states})
  AND ($1 IS NULL OR site = $1) AND ($2 IS NULL OR issue_date >= $2)
  AND ($3 IS NULL OR issue_date <= $3)
ORDER BY issue_date, site

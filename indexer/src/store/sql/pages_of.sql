-- The stored pages of one issue in issue order, with the SHA-256 of their stored scan and PDF
-- and the size each displays its scan at (the space of its regions).
SELECT p.url, p.page_no, p.page_name, p.image_url, p.pdf_url, p.map_width, p.map_height,
    (SELECT m.sha256 FROM media m WHERE m.url = p.image_url) AS scan_sha256,
    (SELECT m.sha256 FROM media m WHERE m.url = p.pdf_url) AS pdf_sha256
FROM pages p WHERE p.site = $1 AND p.issue_date = $2
ORDER BY p.page_idx, p.page_no, p.url

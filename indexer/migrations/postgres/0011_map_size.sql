-- The size a page displays its scan at (contract 1's `PageRecord.map_size`: the `width` and
-- `height` of the scan's `img`), which is the space the regions in `article_regions` are in;
-- both NULL where the page gave none (then the regions are in the scan's own pixels), as for
-- every page stored before. Read back as a `MapSize` (both or neither, each side 1 to 60000);
-- any other pair is a corrupt row.
ALTER TABLE pages ADD COLUMN map_width BIGINT;
ALTER TABLE pages ADD COLUMN map_height BIGINT;

-- Where each unit sits on the site's schematic tile map (issue 20): one square per unit on a
-- grid, placed roughly as the units lie, so the map needs no boundary data. Column 0 is the
-- west, row 0 the north. A unit without a row here is still shown, below the grid.
-- Refreshed with the reference data on every init (data/reference/unit_tiles.csv).
create table ref.unit_tiles (
  unit_code varchar primary key,
  tile_col integer not null,
  tile_row integer not null
);

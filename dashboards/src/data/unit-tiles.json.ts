// Data for the schematic tile map of 总览 and 年度考核 (components/tileMap.js): every unit of
// ref.units with its square on the grid of ref.unit_tiles (data/reference/unit_tiles.csv; column
// 0 the west, row 0 the north), or none. Reference data only, so a unit-scoped build has the
// whole city's map; the pages colour it with the scores they already have.
//
// Grain of the output: one JSON document; `units` one row per unit, placed ones first by row
// and column, then the others by code.
import { siteLoader } from '../../lib/loader.ts';
import { typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';

async function unitTiles(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  // a snapshot made before the tiles existed has every unit below the grid
  const units = snapshot.has('ref.unit_tiles')
    ? await q
        .selectFrom('ref.units as u')
        .leftJoin('ref.unit_tiles as t', 't.unit_code', 'u.unit_code')
        .select(['u.unit_code', 'u.unit_name', 't.tile_col as col', 't.tile_row as row'])
        .orderBy('t.tile_row', (order) => order.nullsLast())
        .orderBy('t.tile_col')
        .orderBy('u.unit_code')
        .execute()
    : (await q.selectFrom('ref.units').select(['unit_code', 'unit_name']).orderBy('unit_code').execute()).map((u) => ({ ...u, col: null, row: null }));
  return { units };
}

export default await siteLoader(import.meta, { output: 'unit-tiles.json', tables: ['ref.units'], build: unitTiles });

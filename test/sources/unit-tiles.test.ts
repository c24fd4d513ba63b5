/**
 * data/reference/unit_tiles.csv: each unit's square on the site's schematic map, loaded into
 * ref.unit_tiles with every init; a file that cannot be right stops the load, leaving ref as it was.
 */
import { copyFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { loadReference, REFERENCE_DIR, UNIT_TILES_FILE } from '../../sources/reference.ts';
import { tempDir } from '../helpers.ts';

let db: Warehouse;

beforeAll(async () => {
  db = await Warehouse.open(join(tempDir(), 'tiles.duckdb'));
  await initWarehouse(db);
});
afterAll(() => db?.close());

/** The shipped reference folder, copied, with unit_tiles.csv replaced by `lines` (null: removed). */
function tilesFile(lines: string[] | null): string {
  const dir = tempDir('safecampus-reference-');
  for (const name of readdirSync(REFERENCE_DIR)) copyFileSync(join(REFERENCE_DIR, name), join(dir, name));
  if (lines === null) rmSync(join(dir, UNIT_TILES_FILE));
  else writeFileSync(join(dir, UNIT_TILES_FILE), ['unit_code,tile_col,tile_row', ...lines].join('\n'));
  return dir;
}

const shipped = () => db.all('select unit_code, tile_col, tile_row from ref.unit_tiles order by tile_row, tile_col');

describe('unit tiles reference data', () => {
  it('places the nine geographic units of the shipped city on a 3 × 4 grid, 市直 (no territory of its own) on none', async () => {
    expect(await shipped()).toEqual([
      { unit_code: '411082', tile_col: 1, tile_row: 0 },
      { unit_code: '411081', tile_col: 0, tile_row: 1 },
      { unit_code: '411003', tile_col: 1, tile_row: 1 },
      { unit_code: '411024', tile_col: 2, tile_row: 1 },
      { unit_code: '411072', tile_col: 0, tile_row: 2 },
      { unit_code: '411002', tile_col: 1, tile_row: 2 },
      { unit_code: '411073', tile_col: 2, tile_row: 2 },
      { unit_code: '411025', tile_col: 0, tile_row: 3 },
      { unit_code: '411071', tile_col: 1, tile_row: 3 },
    ]);
  });

  it('refuses a code not in units.csv, two units on one square and a negative place, keeping the tiles it had', async () => {
    await expect(loadReference(db, tilesFile(['419999,0,0']))).rejects.toThrow(/unit_tiles\.csv: 419999 is not a unit code of units\.csv/);
    await expect(loadReference(db, tilesFile(['411002,1,1', '411003,1,1']))).rejects.toThrow(/unit_tiles\.csv: 411002 and 411003 are on the same tile/);
    await expect(loadReference(db, tilesFile(['411002,-1,0']))).rejects.toThrow(/unit_tiles\.csv: 411002 has a negative tile_col or tile_row/);
    expect(await shipped()).toHaveLength(9);
  });

  it('is optional: without the file no unit has a tile (the map draws them all below its grid)', async () => {
    await loadReference(db, tilesFile(null));
    expect(await shipped()).toEqual([]);
    await loadReference(db);
    expect(await shipped()).toHaveLength(9);
  });
});

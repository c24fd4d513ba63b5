/**
 * Loads the committed reference data (data/reference/*.csv), the contracts' enum aliases,
 * the bureau's value aliases (data/reference/aliases.csv) and the source-monitoring cadence and
 * school calendar (reporting-reference.ts) into `ref`. Replaced wholesale on
 * every init, so editing a file and re-running init is all another city needs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aliasesFile, loadBureauAliases, type BureauAlias } from './aliases.ts';
import { CONTRACTS } from './contracts.ts';
import { foldWidth } from './fold.ts';
import type { Warehouse } from '../warehouse/connection.ts';
import { loadReportingReference } from './reporting-reference.ts';

export const REFERENCE_DIR = join(import.meta.dirname, '..', 'data', 'reference');

/**
 * The reference folder of a warehouse: a `reference/` folder beside it (a city's own units, tiles,
 * calendar and cadence, when one install serves several cities) replaces data/reference whole;
 * it must hold every file data/reference holds except the bureau's aliases (one file serves the
 * install: SAFECAMPUS_ALIASES).
 */
export function referenceDirFor(warehousePath: string): string {
  const own = join(dirname(warehousePath), 'reference');
  if (!existsSync(own)) return REFERENCE_DIR;
  const missing = readdirSync(REFERENCE_DIR).filter((f) => f.endsWith('.csv') && f !== 'aliases.csv' && !existsSync(join(own, f)));
  if (missing.length) {
    throw new Error(`${own} lacks ${missing.join(', ')}: copy them from ${REFERENCE_DIR} and edit them for this city (the folder replaces it whole)`);
  }
  return own;
}

const REFERENCE_TABLES = ['units', 'checklist_items'] as const;

export async function loadReference(db: Warehouse, dir = referenceDirFor(db.path)): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const bureau = loadBureauAliases().filter((a) => a.kind === 'value');
  await db.transaction(async () => {
    for (const table of REFERENCE_TABLES) {
      const file = join(dir, `${table}.csv`).replaceAll("'", "''");
      const columns = await db.all<{ name: string }>(
        "select column_name as name from information_schema.columns where table_schema = 'ref' and table_name = $1 order by ordinal_position",
        [table],
      );
      await db.run(`create or replace temp table reference_file as select * from read_csv('${file}', header = true, auto_detect = true)`);
      await db.run(`delete from ref.${table}`);
      // by name, the table's own columns: a file may carry more (units.csv's city_name, read below)
      await db.run(`insert into ref.${table} by name select ${columns.map((c) => `"${c.name}"`).join(', ')} from reference_file`);
      counts[table] = await db.value<number>(`select count(*) from ref.${table}`);
      if (table === 'units') counts.unit_spellings = await loadUnitSpellings(db, bureau.filter((a) => a.column === 'unit_code'));
      await db.run('drop table reference_file');
    }
    await db.run('delete from ref.enum_aliases');
    const rows = enumAliasRows(bureau.filter((a) => a.column !== 'unit_code'));
    await db.run(
      `insert into ref.enum_aliases select * from (values ${rows.map(() => '(?, ?, ?, ?)').join(', ')})`,
      rows.flat(),
    );
    counts.enum_aliases = rows.length;
    Object.assign(counts, await loadReportingReference(db, dir));
    counts.unit_tiles = await loadUnitTiles(db, dir);
  });
  return counts;
}

export const UNIT_TILES_FILE = 'unit_tiles.csv';

/**
 * ref.unit_tiles from unit_tiles.csv: each unit's square on the site's schematic map (column 0 the
 * west, row 0 the north). Optional: without the file every unit is drawn below the map's grid.
 * A code not in units.csv, a negative place or two units on one square stops the init.
 */
async function loadUnitTiles(db: Warehouse, dir: string): Promise<number> {
  await db.run('delete from ref.unit_tiles');
  const file = join(dir, UNIT_TILES_FILE);
  if (!existsSync(file)) return 0;
  await db.run(
    `insert into ref.unit_tiles select cast(unit_code as varchar), tile_col, tile_row
     from read_csv('${file.replaceAll("'", "''")}', header = true, columns = {'unit_code': 'varchar', 'tile_col': 'integer', 'tile_row': 'integer'})`,
  );
  const unknown = await db.all<{ unit_code: string }>('select unit_code from ref.unit_tiles anti join ref.units using (unit_code) order by unit_code');
  if (unknown.length) throw new Error(`${file}: ${unknown.map((u) => u.unit_code).join(', ')} is not a unit code of units.csv`);
  const negative = await db.all<{ unit_code: string }>('select unit_code from ref.unit_tiles where tile_col < 0 or tile_row < 0 order by unit_code');
  if (negative.length) throw new Error(`${file}: ${negative.map((u) => u.unit_code).join(', ')} has a negative tile_col or tile_row (0 is the west column, the north row)`);
  const shared = await db.all<{ units: string }>(
    "select string_agg(unit_code, ' and ' order by unit_code) as units from ref.unit_tiles group by tile_col, tile_row having count(*) > 1 order by units",
  );
  if (shared.length) throw new Error(`${file}: ${shared.map((s) => s.units).join('; ')} are on the same tile`);
  return db.value<number>('select count(*) from ref.unit_tiles');
}

/**
 * ref.unit_spellings from the units file just read (temp table reference_file): each unit's
 * code, name, and name after its city's (units.csv's optional city_name column: 许昌市魏都区),
 * then the bureau's spellings; a bureau spelling for a code not in the file is an error, unless
 * the code is of another city of the same province (one install serving several cities).
 */
async function loadUnitSpellings(db: Warehouse, bureau: BureauAlias[]): Promise<number> {
  const hasCity = (await db.value<number>("select count(*) from information_schema.columns where table_name = 'reference_file' and column_name = 'city_name'")) > 0;
  const spelling = (x: string) => `lower(trim(${x}))`;
  await db.run('delete from ref.unit_spellings');
  await db.run(
    `insert into ref.unit_spellings
     select distinct on (spelling) spelling, unit_code, origin from (
       select ${spelling('cast(unit_code as varchar)')} as spelling, cast(unit_code as varchar) as unit_code, 'code' as origin, 1 as rank from reference_file
       union all select ${spelling('unit_name')}, cast(unit_code as varchar), 'name', 2 from reference_file
       ${hasCity ? `union all select ${spelling('city_name || unit_name')}, cast(unit_code as varchar), 'city_and_name', 3 from reference_file where city_name is not null` : ''})
     order by spelling, rank`,
  );
  // checked against the spellings and units read once, the new ones inserted together: a statement costs DuckDB about a millisecond
  const spellings = new Map((await db.all<{ spelling: string; unit_code: string }>('select spelling, unit_code from ref.unit_spellings')).map((r) => [r.spelling, r.unit_code]));
  const units = new Set((await db.all<{ unit_code: string }>('select unit_code from ref.units')).map((r) => r.unit_code));
  const cities = new Set([...units].map((u) => u.slice(0, 4)));
  const provinces = new Set([...units].map((u) => u.slice(0, 2)));
  const added: [string, string][] = [];
  for (const alias of bureau) {
    // one aliases file serves an install of several cities: a unit of another city of the province is that city's
    if (!cities.has(alias.canonical.slice(0, 4)) && provinces.has(alias.canonical.slice(0, 2))) continue;
    const spelling = normaliseEnumText(alias.spelling);
    const known = spellings.get(spelling);
    if (!units.has(alias.canonical)) throw new Error(`${aliasesFile()} line ${alias.line}: "${alias.canonical}" is not a unit code of units.csv`);
    if (known !== undefined && known !== alias.canonical) throw new Error(`${aliasesFile()} line ${alias.line}: "${alias.spelling}" already means unit ${known}`);
    if (known === undefined) {
      spellings.set(spelling, alias.canonical);
      added.push([spelling, alias.canonical]);
    }
  }
  if (added.length) await db.run(`insert into ref.unit_spellings values ${added.map(() => "(?, ?, 'bureau_alias')").join(', ')}`, added.flat());
  return db.value<number>('select count(*) from ref.unit_spellings');
}

/**
 * [source, column, alias (normalised), canonical value] for every spelling in the
 * contracts, then the bureau's. A spelling that means two values in one column is an
 * error (the contract's, or the bureau file's line).
 */
export function enumAliasRows(bureau: BureauAlias[] = []): [string, string, string, string][] {
  const rows: [string, string, string, string][] = [];
  const seen = new Map<string, string>();
  const add = (source: string, column: string, spelling: string, value: string, where: string) => {
    const alias = normaliseEnumText(spelling);
    const key = `${source}.${column}.${alias}`;
    const earlier = seen.get(key);
    if (earlier === value) return;
    if (earlier !== undefined) throw new Error(`${where}: "${spelling}" means both ${earlier} and ${value} in ${source}.${column}`);
    seen.set(key, value);
    rows.push([source, column, alias, value]);
  };
  for (const contract of Object.values(CONTRACTS)) {
    for (const column of contract.columns) {
      for (const entry of column.enum ?? []) {
        for (const spelling of [entry.value, ...entry.aliases]) add(contract.source, column.name, spelling, entry.value, `contract ${contract.source}.${column.name}`);
      }
    }
  }
  for (const alias of bureau) add(alias.source, alias.column, alias.spelling, alias.canonical, `${aliasesFile()} line ${alias.line}`);
  return rows;
}

/** How a cell is looked up among spellings: trimmed, lower-cased, full-width forms folded (as validation folds the cell). */
export function normaliseEnumText(text: string): string {
  return foldWidth(text).trim().toLowerCase();
}

/** A fingerprint of every file loadReference reads for a warehouse: its reference folder and the bureau's aliases. */
export function referenceFingerprint(warehousePath: string): string {
  const hash = createHash('sha256');
  const dir = referenceDirFor(warehousePath);
  const files = [...readdirSync(dir).sort().map((f) => join(dir, f)), aliasesFile()];
  for (const file of files) hash.update(`${file}\0`).update(existsSync(file) ? readFileSync(file) : '').update('\0');
  return hash.digest('hex');
}

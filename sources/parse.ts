/**
 * Ingest in two halves, for scale-out: a parse worker reads, validates and lands one export
 * into a scratch DuckDB holding empty copies of the raw and audit tables — the very landing
 * code the single-process ingest runs (ingest.ts landFile) — and writes that batch out as
 * Parquet into a folder the warehouse writer can read. The writer then lands the Parquet in
 * one transaction, giving the batch its place in the landing order and archiving the file.
 * So a file landed through a parse worker has the same raw rows, rejects and batch record as
 * one landed in one process.
 *
 * What the parse worker cannot see, the writer hands it: what validation looks up (the known
 * school codes and the reference tables, as Parquet files in a folder named by their
 * fingerprint; a landing is refused as stale when they changed since, and the file is parsed
 * again) and the fingerprint of the warehouse's PII salt, which the worker
 * checks against its own (the salt itself never travels).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Warehouse } from '../warehouse/connection.ts';
import { migrate } from '../warehouse/migrate.ts';
import { archive, DEFAULT_HOLD_THRESHOLD, earlierOutcome, KNOWN_SCHOOLS, landFile, type IngestResult } from './ingest.ts';
import { activeContracts, aliasesFile } from './aliases.ts';
import { existingPiiSalt, piiSalt, saltFingerprint } from './pii.ts';
import { syncRawTables } from './raw-tables.ts';
import { sqlString } from './readers.ts';

/** What a parse worker needs from the writer to parse a file as the writer would land it. */
export interface ParseSettings {
  /** The shared folder parse workers write to and the writer reads from (same path on every machine). */
  outDir: string;
  /** Folder of Parquet files: the known school codes and the reference tables, as the writer has them. */
  lookupsDir: string;
  lookupsFingerprint: string;
  /** The writer's PII salt, by fingerprint. */
  saltFingerprint: string;
  /** The contracts as the writer reads exports with them (its code and its header aliases), by fingerprint. */
  contractsFingerprint: string;
  holdThreshold: number;
  /** The writer's ingest clock (ISO instant): a parse worker judges future dates by it, not by its own. */
  now: string;
}

/** One file parsed: the batch as it will land, and the folder holding its rows. */
export interface ParsedExport {
  file: string;
  sha256: string;
  /** Folder with raw.parquet, rejects.parquet and batch.parquet. */
  dir: string;
  lookupsFingerprint: string;
  result: IngestResult;
}

/** Refused by the worker whatever the file: its settings do not fit this machine. Retrying elsewhere may help; the file is not at fault. */
export class ParseSetupError extends Error {}

const LOW_64_BITS = '18446744073709551615::uhugeint';

/** Unfinished output of a parse worker killed mid-file is removed once it is this old. */
const ABANDONED_AFTER_MS = 3600_000;

/**
 * The writer's side before parsing: what validation looks up in the warehouse — the known school
 * codes and every reference table (units, their spellings, enum aliases) — exported for the
 * parse workers under a name that is its fingerprint, and what the workers must match.
 */
export async function parseSettings(db: Warehouse, outDir: string, options: { holdThreshold?: number; now?: Date } = {}): Promise<ParseSettings> {
  const lookups = await lookupQueries(db);
  const fingerprint = await lookupsFingerprint(db, lookups);
  const lookupsDir = join(outDir, 'lookups', fingerprint);
  if (!existsSync(lookupsDir)) {
    const partial = `${lookupsDir}.${randomUUID()}.partial`;
    await mkdir(partial, { recursive: true });
    for (const [name, query] of Object.entries(lookups)) {
      await db.run(`copy (${query} order by all) to ${sqlString(join(partial, `${name}.parquet`))} (format parquet)`);
    }
    await rename(partial, lookupsDir).catch(async (error: NodeJS.ErrnoException) => {
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(lookupsDir)) throw error; // else another run exported the same lookups first
    });
  }
  return {
    outDir,
    lookupsDir,
    lookupsFingerprint: fingerprint,
    saltFingerprint: saltFingerprint(piiSalt(db.path)),
    contractsFingerprint: contractsFingerprint(),
    holdThreshold: options.holdThreshold ?? DEFAULT_HOLD_THRESHOLD,
    now: (options.now ?? new Date()).toISOString(),
  };
}

function contractsFingerprint(): string {
  return createHash('sha256').update(JSON.stringify(activeContracts())).digest('hex').slice(0, 16);
}

/** File name (without .parquet) → query: the known school codes and every reference table. */
async function lookupQueries(db: Warehouse): Promise<Record<string, string>> {
  const tables = await db.all<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'ref' and table_type = 'BASE TABLE' order by 1",
  );
  return { [KNOWN_SCHOOLS_FILE]: `select school_code from (${KNOWN_SCHOOLS})`, ...Object.fromEntries(tables.map(({ name }) => [name, `select * from ref.${name}`])) };
}

const KNOWN_SCHOOLS_FILE = 'known_schools';

async function lookupsFingerprint(db: Warehouse, lookups: Record<string, string>): Promise<string> {
  const parts = Object.entries(lookups).map(
    ([name, query]) => `select ${sqlString(name)} || ':' || coalesce(string_agg(row_text, '|' order by row_text), '') as part from (select t::varchar as row_text from (${query}) t)`,
  );
  return db.value<string>(`select md5(string_agg(part, '\n' order by part)) from (${parts.join(' union all ')})`);
}

/**
 * The parse worker's side: lands `file` into a scratch warehouse and writes the batch out under
 * settings.outDir. `warehousePath` only locates this machine's copy of the salt (or set
 * SAFECAMPUS_PII_SALT); the warehouse itself is never opened.
 */
export async function parseExport(file: string, sha256: string, settings: ParseSettings, warehousePath: string): Promise<ParsedExport> {
  const salt = existingPiiSalt(warehousePath);
  if (salt === null || saltFingerprint(salt) !== settings.saltFingerprint) {
    throw new ParseSetupError(
      `this parse worker's PII salt ${salt === null ? 'is missing' : 'differs from the warehouse writer’s'}: give it the writer's salt (SAFECAMPUS_PII_SALT, or the .pii-salt file beside the warehouse its --db names) so student IDs hash alike`,
    );
  }
  if (contractsFingerprint() !== settings.contractsFingerprint) {
    throw new ParseSetupError(
      `this parse worker reads exports by other contracts or header aliases than the warehouse writer: run the same safecampus version on both, with the same aliases file (${aliasesFile()}; SAFECAMPUS_ALIASES names another)`,
    );
  }
  if (!existsSync(file)) {
    throw new ParseSetupError(`this parse worker cannot see ${file}: mount the inbox at the same path as on the warehouse writer`);
  }
  await removeAbandoned(settings.outDir, sha256);
  const scratch = await mkdtemp(join(tmpdir(), 'safecampus-parse-'));
  const partial = join(settings.outDir, `.partial-${sha256}-${randomUUID()}`);
  try {
    const path = join(scratch, 'parse.duckdb');
    await copyFile(await scratchTemplate(settings), path);
    const db = await Warehouse.open(path, { tempDirectory: join(scratch, 'spill') });
    let result: IngestResult;
    try {
      // the scratch file is thrown away: writing it out on close is wasted time
      await db.run('pragma disable_checkpoint_on_shutdown');
      const knownSchools = `select school_code from read_parquet(${sqlString(join(settings.lookupsDir, `${KNOWN_SCHOOLS_FILE}.parquet`))})`;
      result = await landFile(db, file, sha256, { knownSchools, piiSalt: salt, archive: async () => null }, { holdThreshold: settings.holdThreshold, now: new Date(settings.now) });
      await mkdir(partial, { recursive: true });
      await writeBatch(db, result, partial);
    } finally {
      db.close();
    }
    const dir = join(settings.outDir, `${sha256}.${randomUUID()}`);
    await rename(partial, dir);
    return { file, sha256, dir, lookupsFingerprint: settings.lookupsFingerprint, result };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await rm(partial, { recursive: true, force: true });
  }
}

/** Per process, per lookups: an empty warehouse (migrated, raw tables, the writer's reference rows) each parse starts from a copy of. */
const templates = new Map<string, Promise<string>>();
let templatesDir: string | null = null;

function scratchTemplate(settings: ParseSettings): Promise<string> {
  let template = templates.get(settings.lookupsFingerprint);
  if (!template) {
    template = makeTemplate(settings);
    template.catch(() => templates.delete(settings.lookupsFingerprint));
    templates.set(settings.lookupsFingerprint, template);
  }
  return template;
}

async function makeTemplate(settings: ParseSettings): Promise<string> {
  if (templatesDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'safecampus-parse-templates-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    templatesDir = dir;
  }
  const path = join(templatesDir, `${settings.lookupsFingerprint}.duckdb`);
  const db = await Warehouse.open(path, { tempDirectory: '' });
  try {
    await migrate(db);
    await syncRawTables(db);
    for (const name of await readdir(settings.lookupsDir)) {
      const table = name.replace(/\.parquet$/, '');
      if (table !== KNOWN_SCHOOLS_FILE) await db.run(`insert into ref.${table} by name select * from read_parquet(${sqlString(join(settings.lookupsDir, name))})`);
    }
  } finally {
    db.close();
  }
  return path;
}

async function writeBatch(db: Warehouse, result: IngestResult, dir: string): Promise<void> {
  const batch = sqlString(result.batchId!);
  const copy = (query: string, name: string) => db.run(`copy (${query}) to ${sqlString(join(dir, name))} (format parquet)`);
  await copy(`select * from audit.batches where batch_id = ${batch}`, 'batch.parquet');
  await copy(`select * from audit.rejects where batch_id = ${batch} order by row_number`, 'rejects.parquet');
  if (result.source) {
    // Parquet has no 128-bit integer (DuckDB would write the row hash as a lossy double): it travels
    // as its two 64-bit halves (as text it would be exact too, but that cast takes seconds per 100k rows)
    await copy(
      `select * exclude (row_hash), (row_hash >> 64)::ubigint as row_hash_high, (row_hash & ${LOW_64_BITS})::ubigint as row_hash_low from raw.${result.source}
       where batch_seq = (select batch_seq from audit.batches where batch_id = ${batch}) order by row_number`,
      'raw.parquet',
    );
  }
}

/** Output a killed worker left half-written for this file (never another's finished output). */
async function removeAbandoned(outDir: string, sha256: string): Promise<void> {
  if (!existsSync(outDir)) return;
  for (const name of await readdir(outDir)) {
    if (!name.startsWith(`.partial-${sha256}-`)) continue;
    const path = join(outDir, name);
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > ABANDONED_AFTER_MS) await rm(path, { recursive: true, force: true });
  }
}

/**
 * The writer's side after parsing: lands the parsed batch in one transaction (its batch
 * number is the next in the landing order) and removes the parsed folder. Returns null when
 * the lookups (known school codes, reference tables) changed since the file was parsed: parse it again with fresh settings.
 * Idempotent: content landed before is skipped, as by the single-process ingest. Either way the
 * parsed folder is removed.
 */
export async function landParsedExport(db: Warehouse, parsed: ParsedExport): Promise<IngestResult | null> {
  const earlier = await earlierOutcome(db, parsed.file, parsed.sha256);
  if (earlier) {
    await rm(parsed.dir, { recursive: true, force: true });
    return earlier;
  }
  if ((await lookupsFingerprint(db, await lookupQueries(db))) !== parsed.lookupsFingerprint) {
    await rm(parsed.dir, { recursive: true, force: true });
    return null;
  }
  const archivePath = await archive(db, parsed.file, parsed.sha256);
  const { result } = parsed;
  const read = (name: string) => `read_parquet(${sqlString(join(parsed.dir, name))})`;
  await db.transaction(async () => {
    const seq = await db.value<number>("select nextval('audit.batch_seq')");
    if (result.source) {
      await db.run(`insert into raw.${result.source} by name select * exclude (row_hash_high, row_hash_low) replace ($1::bigint as batch_seq), (row_hash_high::uhugeint << 64) | row_hash_low::uhugeint as row_hash
         from ${read('raw.parquet')}`, [seq]);
    }
    await db.run(`insert into audit.rejects by name select * from ${read('rejects.parquet')}`);
    await db.run(
      `insert into audit.batches by name
       select * replace ($1::bigint as batch_seq, $2 as archive_path, now()::timestamp as finished_at) from ${read('batch.parquet')}`,
      [seq, archivePath],
    );
  });
  await rm(parsed.dir, { recursive: true, force: true });
  return result;
}

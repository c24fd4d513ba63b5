/**
 * `safecampus query "<SQL>"`: analysts' SQL on the latest published snapshot (never the
 * warehouse, so it works while the pipeline writes), printed as a table or exported.
 * Mistakes in the SQL and refused statements exit 1 with DuckDB's message and a hint;
 * wrong options exit 2.
 */
import { integerOption, stringOption, UsageError, type Command, type Values } from '../command.ts';
import { checkOutputPath } from '../../warehouse/output-path.ts';
import { chooseSnapshot, DEFAULT_QUERY_LIMITS, withQueryResult, type QueryLimits } from '../../warehouse/query.ts';
import { renderTable, streamSink, temporaryPathFor, writeAtomically, writeCsv, writeJson, writeParquet, writeTextFile, writeXlsx } from '../../warehouse/query-output.ts';

const FORMATS = ['table', 'csv', 'json', 'parquet', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_TABLE_LIMIT = 200;
/** The table view holds the rows it shows; more than this is an export, not a view. */
const MAX_TABLE_LIMIT = 10_000;

export const queryCommand: Command = {
  name: 'query',
  summary: 'run one read-only SQL query on the latest published snapshot; print it or export CSV/JSON/Parquet/XLSX',
  usage: '"<SQL>" [--format table|csv|json|parquet|xlsx] [--out FILE [--force]] [--limit N] [--snapshot PATH] [--timeout SECONDS] [--memory SIZE] [--spill SIZE]',
  help: [
    ['--format F', 'table (default; --json makes it json), csv (UTF-8, with a BOM when written to a file), json, parquet, xlsx; ' +
      'with --out and no --format, taken from the file extension'],
    ['--out FILE', 'write the result to FILE (required for parquet and xlsx); without it csv/json go to stdout. ' +
      'Never inside the data folder’s warehouse, snapshots, archive or appraisals'],
    ['--force', 'replace FILE when it exists (refused otherwise)'],
    ['--limit N', `at most N rows (table: default ${DEFAULT_TABLE_LIMIT}, at most ${MAX_TABLE_LIMIT}, says how many were cut; other formats: default all)`],
    ['--snapshot PATH', 'query this snapshot file instead of the latest one (data/snapshots/latest.json)'],
    ['--timeout SECONDS', `stop the query (and its export) after this long (default ${DEFAULT_QUERY_LIMITS.timeoutSeconds})`],
    ['--memory SIZE', `DuckDB's memory limit for the query, e.g. 512MB, 4GB (default ${DEFAULT_QUERY_LIMITS.memory})`],
    ['--spill SIZE', `how much DuckDB may spill to a temp folder past the memory limit (default ${DEFAULT_QUERY_LIMITS.spill}; 0: none)`],
  ],
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    limit: { type: 'string' },
    snapshot: { type: 'string' },
    timeout: { type: 'string' },
    memory: { type: 'string' },
    spill: { type: 'string' },
  },
  allowPositionals: true,
  async run(values, positionals, context) {
    if (positionals.length !== 1 || positionals[0].trim() === '') {
      throw new UsageError(
        positionals.length > 1
          ? `give the SQL as ONE argument in double quotes (got ${positionals.length} arguments)`
          : 'give the SQL to run, e.g. safecampus query "select * from marts.unit_indicator_ranking limit 10"',
      );
    }
    const out = stringOption(values, 'out');
    const format = chooseFormat(stringOption(values, 'format'), out, context.json);
    if (out === undefined && (format === 'parquet' || format === 'xlsx')) throw new UsageError(`--format ${format} writes a file: give --out FILE`);
    if (out !== undefined && format === 'table') throw new UsageError('--out writes csv, json, parquet or xlsx: give --format, or a FILE ending in one of those');
    if (values.force && out === undefined) throw new UsageError('--force replaces the file given with --out: give --out FILE');
    const limit = integerOption(values, 'limit', format === 'table' ? DEFAULT_TABLE_LIMIT : Number.MAX_SAFE_INTEGER, 1);
    if (format === 'table' && limit > MAX_TABLE_LIMIT) {
      throw new UsageError(`the table shows at most ${MAX_TABLE_LIMIT} rows (--limit ${limit}): export them instead with --format csv|parquet|xlsx --out FILE`);
    }
    const limits = queryLimits(values);
    const warehousePath = context.dbPath;
    const snapshot = chooseSnapshot(warehousePath, stringOption(values, 'snapshot'));
    // checked before the query runs: nothing is computed for an export that may not be written
    const file = out === undefined ? undefined : checkOutputPath(out, { warehousePath, snapshotPath: snapshot.path, force: values.force === true });

    // Parquet is written by the query's DuckDB itself, into this file only
    const temporary = file === undefined ? undefined : temporaryPathFor(file);
    return withQueryResult(snapshot.path, positionals[0], limits, { writablePath: format === 'parquet' ? temporary : undefined }, async (result) => {
      if (file === undefined) {
        if (format === 'table') context.stdout.write(`${await renderTable(result, limit)}快照 / snapshot: ${snapshot.label}\n`);
        else if (format === 'csv') await writeCsv(result, limit, streamSink(context.stdout), false);
        else await writeJson(result, limit, streamSink(context.stdout));
        return undefined;
      }
      let rows: number;
      if (format === 'csv') rows = await writeAtomically(file, (path) => writeTextFile(path, (sink) => writeCsv(result, limit, sink, true)), temporary);
      else if (format === 'json') rows = await writeAtomically(file, (path) => writeTextFile(path, (sink) => writeJson(result, limit, sink)), temporary);
      else if (format === 'parquet') rows = await writeParquet(result, limit, file, temporary!);
      else rows = await writeXlsx(result, limit, file);
      context.say(`已写入 ${rows} 行到 ${file} / wrote ${rows} rows to ${file} (快照 / snapshot: ${snapshot.label})`);
      return { file, format, rows, columns: result.columns, snapshot: snapshot.label };
    });
  },
};

const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

function queryLimits(values: Values): QueryLimits {
  const size = (name: 'memory' | 'spill', fallback: string, zero: boolean): string => {
    const text = stringOption(values, name);
    if (text === undefined) return fallback;
    if ((zero && text === '0') || SIZE.test(text)) return text;
    throw new UsageError(`--${name} takes a size such as 512MB or 4GB${zero ? ', or 0' : ''}; got "${text}"`);
  };
  return {
    timeoutSeconds: integerOption(values, 'timeout', DEFAULT_QUERY_LIMITS.timeoutSeconds, 1),
    memory: size('memory', DEFAULT_QUERY_LIMITS.memory, false),
    spill: size('spill', DEFAULT_QUERY_LIMITS.spill, true),
  };
}

function chooseFormat(requested: string | undefined, out: string | undefined, json: boolean): Format {
  if (requested !== undefined) {
    if (!(FORMATS as readonly string[]).includes(requested)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${requested}"`);
    return requested as Format;
  }
  if (out !== undefined) {
    const extension = /\.([a-z]+)$/i.exec(out)?.[1]?.toLowerCase();
    if (extension === undefined || extension === 'table' || !(FORMATS as readonly string[]).includes(extension)) {
      throw new UsageError(`cannot tell the format from "${out}": give --format csv|json|parquet|xlsx`);
    }
    return extension as Format;
  }
  return json ? 'json' : 'table';
}

/**
 * `safecampus query "<SQL>"`: analysts' SQL on the latest published snapshot (never the
 * warehouse, so it works while the pipeline writes), printed as a table or exported.
 * Mistakes in the SQL and refused statements exit 1 with DuckDB's message and a hint;
 * wrong options exit 2.
 */
import { resolve } from 'node:path';
import { integerOption, stringOption, UsageError, type Command } from '../command.ts';
import { resolveDbPath } from '../../warehouse/connection.ts';
import { chooseSnapshot, withQueryResult } from '../../warehouse/query.ts';
import { renderCsv, renderJson, renderTable, writeParquet, writeText, writeXlsx } from '../../warehouse/query-output.ts';

const FORMATS = ['table', 'csv', 'json', 'parquet', 'xlsx'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_TABLE_LIMIT = 200;

export const queryCommand: Command = {
  name: 'query',
  summary: 'run one read-only SQL query on the latest published snapshot; print it or export CSV/JSON/Parquet/XLSX',
  usage: '"<SQL>" [--format table|csv|json|parquet|xlsx] [--out FILE] [--limit N] [--snapshot PATH]',
  help: [
    ['--format F', 'table (default; --json makes it json), csv (UTF-8, with a BOM when written to a file), json, parquet, xlsx; ' +
      'with --out and no --format, taken from the file extension'],
    ['--out FILE', 'write the result to FILE (required for parquet and xlsx); without it csv/json go to stdout'],
    ['--limit N', `at most N rows (table: default ${DEFAULT_TABLE_LIMIT}, says how many were cut; other formats: default all)`],
    ['--snapshot PATH', 'query this snapshot file instead of the latest one (data/snapshots/latest.json)'],
  ],
  options: { format: { type: 'string' }, out: { type: 'string' }, limit: { type: 'string' }, snapshot: { type: 'string' } },
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
    const limit = integerOption(values, 'limit', format === 'table' ? DEFAULT_TABLE_LIMIT : Number.MAX_SAFE_INTEGER, 1);
    const snapshot = chooseSnapshot(resolveDbPath(), stringOption(values, 'snapshot'));

    return withQueryResult(snapshot.path, positionals[0], async (result) => {
      const rows = Math.min(result.rowCount, limit);
      if (out === undefined) {
        if (format === 'table') context.stdout.write(`${renderTable(result, limit)}快照 / snapshot: ${snapshot.label}\n`);
        else context.stdout.write(format === 'csv' ? renderCsv(result, limit, false) : renderJson(result, limit));
        return undefined;
      }
      const file = resolve(out);
      if (format === 'csv') await writeText(file, renderCsv(result, limit, true));
      else if (format === 'json') await writeText(file, renderJson(result, limit));
      else if (format === 'parquet') await writeParquet(result, limit, file);
      else await writeXlsx(result, limit, file);
      context.say(`已写入 ${rows} 行到 ${file} / wrote ${rows} rows to ${file} (快照 / snapshot: ${snapshot.label})`);
      return { file, format, rows, columns: result.columns, snapshot: snapshot.label };
    });
  },
};

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

/**
 * `safecampus query` cannot destroy or exhaust anything (docs/security.md): `--out` never
 * lands on what the pipeline owns (however the path is spelt), never replaces a file unless
 * told to, and leaves no half file; every query stops at its time and memory limits with a
 * message saying which, and a huge result is streamed, never held. On a snapshot of the mini
 * city published into a data folder laid out as the pipeline lays it out.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotPointer } from '../../warehouse/snapshot.ts';
import { runCli, tempDir } from '../helpers.ts';
import { publishMiniCity } from './fixture.ts';

const dir = tempDir('safecampus-query-safety-');
const dbPath = join(dir, 'warehouse.duckdb');
const exports = join(dir, 'exports');
let snapshot: SnapshotPointer;

const query = (...args: string[]) => runCli(['query', ...args, '--db', dbPath]);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  snapshot = await publishMiniCity(dbPath);
  mkdirSync(join(dir, 'appraisals', '2025'), { recursive: true });
  mkdirSync(exports);
});

describe('query --out never lands on what the pipeline owns', () => {
  const refused: [string, () => string, RegExp][] = [
    ['the warehouse file', () => dbPath, /不能写到数据仓库文件.* \/ --out .* would write over the warehouse file/],
    ['the warehouse’s write-ahead log', () => `${dbPath}.wal`, /write-ahead log/],
    ['the snapshot being queried', () => snapshot.path, /would write over the snapshot being queried/],
    ['the latest-snapshot pointer', () => join(dir, 'snapshots', 'latest.json'), /would write into the snapshots folder/],
    ['a new file among the snapshots', () => join(dir, 'snapshots', 'mine.csv'), /would write into the snapshots folder/],
    ['the archive of received files', () => join(dir, 'archive', 'x.csv'), /would write into the archive of received files/],
    ['an appraisal', () => join(dir, 'appraisals', '2025', 'ranking.xlsx'), /would write into the appraisals folder/],
    ['the PII salt', () => join(dir, '.pii-salt'), /would write over the PII salt/],
    ['a path through ..', () => join(exports, '..', 'snapshots', 'x.json'), /would write into the snapshots folder/],
  ];
  it.each(refused)('%s: exit 1, nothing written, even with --force', async (_what, target, reason) => {
    const before = { warehouse: sha(dbPath), snapshot: sha(snapshot.path), pointer: readFileSync(join(dir, 'snapshots', 'latest.json'), 'utf8') };
    const out = target();
    const format = out.endsWith('.xlsx') ? 'xlsx' : out.endsWith('.json') ? 'json' : 'csv';
    const { code, stdout, stderr } = await query('select 1', '--format', format, '--out', out, '--force');
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toMatch(reason);
    expect(stderr).toContain('write the export somewhere else');
    expect({ warehouse: sha(dbPath), snapshot: sha(snapshot.path), pointer: readFileSync(join(dir, 'snapshots', 'latest.json'), 'utf8') }).toEqual(before);
    expect(readdirSync(join(dir, 'snapshots')).sort()).toEqual([`${snapshot.snapshot_id}.duckdb`, 'latest.json']);
    // the next query still finds the snapshot
    expect((await query('select count(*) as n from core.dim_units', '--format', 'csv')).stdout).toBe('n\r\n10\r\n');
  });

  it('sees through symbolic links: a linked folder and a linked file', async () => {
    symlinkSync(join(dir, 'snapshots'), join(exports, 'linked-snapshots'));
    symlinkSync(dbPath, join(exports, 'warehouse-link.csv'));
    const intoFolder = await query('select 1', '--out', join(exports, 'linked-snapshots', 'x.csv'));
    expect([intoFolder.code, intoFolder.stderr]).toEqual([1, expect.stringContaining(`would write into the snapshots folder (${join(dir, 'snapshots')})`)]);
    const overFile = await query('select 1', '--out', join(exports, 'warehouse-link.csv'), '--force');
    expect([overFile.code, overFile.stderr]).toEqual([1, expect.stringContaining(`would write over the warehouse file (${dbPath})`)]);
  });

  it('refuses the snapshot given with --snapshot, wherever it is', async () => {
    const elsewhere = join(tempDir(), 'copy.duckdb');
    cpSync(snapshot.path, elsewhere);
    const before = sha(elsewhere);
    const { code, stderr } = await query('select 1', '--snapshot', elsewhere, '--format', 'csv', '--out', elsewhere, '--force');
    expect([code, stderr]).toEqual([1, expect.stringContaining('would write over the snapshot being queried')]);
    expect(sha(elsewhere)).toBe(before);
  });

  it('an existing file is kept unless --force; --force replaces it', async () => {
    const out = join(exports, 'units.csv');
    writeFileSync(out, 'an analyst’s earlier work');
    const kept = await query('select unit_code from core.dim_units order by 1', '--out', out);
    expect([kept.code, kept.stderr]).toEqual([1, `safecampus query: 文件已存在 / ${out} already exists: give another --out, or add --force to replace it\n`]);
    expect(readFileSync(out, 'utf8')).toBe('an analyst’s earlier work');
    const replaced = await query('select unit_code from core.dim_units order by 1', '--out', out, '--force');
    expect(replaced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('\uFEFFunit_code\r\n411000\r\n411002\r\n411003\r\n411024\r\n411025\r\n411071\r\n411072\r\n411073\r\n411081\r\n411082\r\n');
  });

  it('a folder is no file name', async () => {
    const { code, stderr } = await query('select 1', '--format', 'csv', '--out', exports, '--force');
    expect([code, stderr]).toEqual([1, `safecampus query: --out ${exports} 是一个文件夹 / is a folder: give a file name in it, e.g. --out ${join(exports, 'result.csv')}\n`]);
  });

  it('--force without --out is a usage error', async () => {
    expect(await query('select 1', '--force')).toMatchObject({ code: 2, stderr: expect.stringContaining('--force replaces the file given with --out') });
  });
});

describe('query limits', () => {
  const TIME_LIMIT = 'safecampus query: 查询超过 1 秒时间上限，已停止 / the query ran past its 1 s time limit and was stopped: narrow it (a WHERE, an aggregate, a LIMIT), or allow it more time with --timeout SECONDS\n';

  // the five queries stopped at their time limit run side by side: each spends its one second working
  it.concurrent('a count over a trillion rows stops at --timeout', async () => {
    expect(await query('select count(*) from range(1000000000000)', '--timeout', '1')).toEqual({ code: 1, stdout: '', stderr: TIME_LIMIT });
  });

  it.concurrent('a self cross join of indicator_values, counted, stops at --timeout', async () => {
    const sql = 'select count(*) from marts.indicator_values a, marts.indicator_values b, marts.indicator_values c';
    expect(await query(sql, '--timeout', '1')).toEqual({ code: 1, stdout: '', stderr: TIME_LIMIT });
  });

  // (XLSX: refused before anything is written, in query.test.ts)
  it.concurrent.each(['csv', 'json', 'parquet'])('a billion rows exported as %s stop at --timeout and leave no file, not even a temporary one', async (format) => {
    const folder = join(exports, `billion-${format}`);
    const { code, stderr } = await query('select * from range(1000000000)', '--out', join(folder, `rows.${format}`), '--timeout', '1');
    expect([code, stderr]).toEqual([1, TIME_LIMIT]);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('the table view of a billion rows shows the first ones and says the rest were not counted', async () => {
    const { code, stdout } = await query('select * from range(1000000000) r(n)', '--limit', '3');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'n',
        '-',
        '0',
        '1',
        '2',
        '显示前 3 行，结果超过 100000 行（未全部计数）/ showing 3 of more than 100000 rows (not all counted): ' +
          '--limit N shows more, --format csv|xlsx --out FILE exports them all; count them with select count(*) from (<SQL>)',
        `快照 / snapshot: ${snapshot.snapshot_id}`,
        '',
      ].join('\n'),
    );
  });

  it('the table view of a self cross join shows its first rows', async () => {
    const { code, stdout } = await query('select a.indicator_id, b.indicator_id as other from marts.indicator_values a, marts.indicator_values b', '--limit', '1');
    expect(code).toBe(0);
    expect(stdout.split('\n')[3]).toMatch(/^显示前 1 行，结果超过 100000 行/);
  });

  it('a query past --memory (not allowed to spill) stops with a message naming the limit', async () => {
    const { code, stderr } = await query('select * from range(10000000) r(x) order by random()', '--memory', '32MB', '--spill', '0');
    expect(code).toBe(1);
    expect(stderr).toBe(
      'safecampus query: 查询超出内存上限 32MB（不溢出到磁盘），已停止 / the query needed more than its 32MB memory limit (no temp space on disk) and was stopped: ' +
        'narrow it (a WHERE, an aggregate, fewer columns), or allow more with --memory SIZE or --spill SIZE\n',
    );
  });

  it('the same query spills to disk when allowed and answers', async () => {
    const { code, stdout } = await query('select count(*) as n from (select * from range(2000000) r(x) order by random())', '--memory', '32MB', '--format', 'csv');
    expect([code, stdout]).toEqual([0, 'n\r\n2000000\r\n']);
  });

  it('a Parquet export is streamed by DuckDB, under a memory limit far below its size', async () => {
    const out = join(exports, 'streamed.parquet');
    const { code, stdout } = await query('select x, x * 2 as y from range(3000000) r(x)', '--out', out, '--memory', '32MB', '--spill', '0');
    expect(code).toBe(0);
    expect(stdout).toBe(`已写入 3000000 行到 ${out} / wrote 3000000 rows to ${out} (快照 / snapshot: ${snapshot.snapshot_id})\n`);
    expect(readdirSync(exports).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an EXPLAIN plan exports as csv or json, not as Parquet or XLSX (those are staged as tables)', async () => {
    const out = join(exports, 'plan.parquet');
    expect(await query('explain select 1', '--out', out)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'safecampus query: EXPLAIN 的结果不能导出为 parquet / an EXPLAIN plan does not export as parquet: print it, or export it as csv or json\n',
    });
    expect((await query('explain select 1', '--out', join(exports, 'plan.csv'))).code).toBe(0);
  });

  it('wrong limits are usage errors', async () => {
    expect(await query('select 1', '--timeout', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining('--timeout must be a whole number ≥ 1') });
    expect(await query('select 1', '--memory', 'lots')).toMatchObject({ code: 2, stderr: expect.stringContaining('--memory takes a size such as 512MB or 4GB') });
    expect(await query('select 1', '--spill=-1')).toMatchObject({ code: 2, stderr: expect.stringContaining('--spill takes a size such as 512MB or 4GB, or 0') });
    expect(await query('select 1', '--limit', '20000')).toMatchObject({ code: 2, stderr: expect.stringContaining('the table shows at most 10000 rows') });
  });
});

/**
 * Issue 16's targets, each measured as a user meets it — whole `safecampus` processes in a fresh
 * data folder on the default demo city (1,200 schools, 2023–2025) — and printed beside its target:
 *   - `start` from an empty folder (generation, embedded Temporal, ingest, transform, publish, site)
 *   - `start` again with nothing new
 *   - `transform --full`, and `transform` after one new file (incremental)
 *   - `dashboards build`
 *   - `ingest` of a 2 M-row UTF-8 sensors CSV against a process doing DuckDB's own read_csv into a
 *     table, median of the pairs' ratios (bench/measure.ts, each in a process of its own)
 * Usage: node --import tsx bench/targets.ts [--pairs N] [--rows N]   (npm run bench runs it first)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repeatedSensors } from './sensors.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string' }, rows: { type: 'string' } } });
const pairs = Number(values.pairs ?? 5);
const rows = Number(values.rows ?? 2_000_000);
for (const [name, value] of [['--pairs', pairs], ['--rows', rows]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'bin', 'safecampus.js');
const root = mkdtempSync(join(tmpdir(), 'safecampus-targets-'));

const cliEnv = { ...process.env };
delete cliEnv.SAFECAMPUS_DB;
delete cliEnv.TEMPORAL_ADDRESS;

/** Wall seconds of one whole `safecampus` process run in the bench's data folder. */
function timedCli(...args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: cliEnv });
  return (performance.now() - started) / 1000;
}

interface Measurement {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

function measure(kind: 'baseline' | 'ingest', file: string, registry: string[]): Measurement {
  const warehouse = join(root, `${kind}-${Math.random().toString(36).slice(2)}.duckdb`);
  const output = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'measure.ts'), kind, file, warehouse, ...registry], { encoding: 'utf8' });
  rmSync(warehouse, { force: true });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Measurement;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const load = loadavg()[0]!.toFixed(1);
const firstStart = timedCli('start');
const secondStart = timedCli('start');
const fullTransform = timedCli('transform', '--full');
const inbox = join(root, 'data', 'inbox');
const sensorsFile = readdirSync(join(inbox, 'sensors')).filter((f) => f.endsWith('.csv')).sort().at(-1)!;
const lines = readFileSync(join(inbox, 'sensors', sensorsFile), 'utf8').split('\n');
const resent = join(root, 'sensors_resent.csv');
writeFileSync(resent, `${[lines[0], ...lines.slice(-1001, -1)].join('\n')}\n`);
timedCli('ingest', resent);
const incrementalTransform = timedCli('transform');
const site = timedCli('dashboards', 'build');

const registry = readdirSync(join(inbox, 'schools')).map((f) => join(inbox, 'schools', f));
const big = join(root, 'sensors_big.csv');
const bigRows = await repeatedSensors(join(inbox, 'sensors', sensorsFile), big, rows);
const ratios: number[] = [];
const runs: Array<[Measurement, Measurement]> = [];
for (let i = 0; i < pairs; i++) {
  const pair: [Measurement, Measurement] = [measure('baseline', big, []), measure('ingest', big, registry)];
  runs.push(pair);
  ratios.push(pair[1].seconds / pair[0].seconds);
}
rmSync(root, { recursive: true, force: true });

const s = (x: number) => `${x.toFixed(1)} s`;
const row = (what: string, measured: string, target: string, met: boolean) => console.log(`| ${what} | ${measured} | ${target} | ${met ? '✓' : '✗'} |`);
console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average at the start ${load}`);
console.log('');
console.log('| target (issue 16) | measured | target | met |');
console.log('| --- | --- | --- | --- |');
row('`start` from an empty folder: generate the default city, Temporal, ingest, transform, publish, site', s(firstStart), '≤ 60 s', firstStart <= 60);
row('`start` again, nothing new', s(secondStart), '≤ 5 s', secondStart <= 5);
row('`transform --full` (3 years, every period, data tests)', s(fullTransform), '≤ 12 s', fullTransform <= 12);
row('`transform` after one new file (incremental)', s(incrementalTransform), '—', true);
row('`dashboards build`', s(site), '≤ 12 s', site <= 12);
const ratio = median(ratios);
const peak = (k: 0 | 1) => Math.max(...runs.map((r) => r[k].peakRssMb));
row(
  `\`ingest\` of ${bigRows.toLocaleString('en')} sensor rows (UTF-8) ÷ DuckDB \`read_csv\` into a table, median of ${pairs} pairs (median ${s(median(runs.map((r) => r[1].seconds)))} vs ${s(median(runs.map((r) => r[0].seconds)))}; peak ${Math.round(peak(1))} vs ${Math.round(peak(0))} MB)`,
  `${ratio.toFixed(2)}×`,
  '≤ 2.0×',
  ratio <= 2,
);

/**
 * `npm run bench`: timings measured against baselines taken in the same run.
 *   - ingest of a large sensors CSV (UTF-8 and GBK) vs DuckDB's own read_csv of the same rows,
 *     each run in a process of its own (bench/measure.ts) so its peak RSS is its own
 *   - with --rows N, the same on a sensors file of at least N rows (the city's sensor rows
 *     repeated under new device ids), to show time and memory at scale
 *   - demo-city generation and transform for the default city
 *   - the dashboard site built from that city's snapshot: build time, the heaviest page and the 学校 page (bench/site.ts,
 *     which also runs alone on an existing snapshot, e.g. a province's)
 * Usage: npm run bench [-- --schools N] [--repeat R] [--rows N]   (default 1200 schools, one year, best of 3)
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { generateCity } from '../demo/index.ts';
import { ingestPath } from '../sources/ingest.ts';
import { runTransform } from '../transforms/runner.ts';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from '../sources/init.ts';
import { publishSnapshot } from '../warehouse/snapshot.ts';
import { kib, measureSite } from './site.ts';
import { repeatedSensors } from './sensors.ts';
import { currentPeriods } from '../transforms/periods.ts';
import { scoreSummary } from '../transforms/scorecards.ts';

const { values } = parseArgs({ options: { schools: { type: 'string' }, repeat: { type: 'string' }, rows: { type: 'string' } } });
const schools = Number(values.schools ?? 1200);
const repeat = Number(values.repeat ?? 3);
const bigRows = values.rows === undefined ? null : Number(values.rows);
for (const [name, value] of [['--schools', schools], ['--repeat', repeat], ['--rows', bigRows ?? 1]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}
const root = mkdtempSync(join(tmpdir(), 'safecampus-bench-'));
const measureScript = join(dirname(fileURLToPath(import.meta.url)), 'measure.ts');

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

interface Measurement {
  seconds: number;
  /** CPU time of all threads: on a machine others are using it varies less than wall time. */
  cpuSeconds: number;
  peakRssMb: number;
}

/** Best of `repeat` runs (each in its own process, on a fresh warehouse) for wall and CPU time; peak RSS is the largest seen. */
function best(kind: 'baseline' | 'ingest', file: string, registry: string[] = []): Measurement {
  let seconds = Infinity;
  let cpuSeconds = Infinity;
  let peakRssMb = 0;
  for (let run = 0; run < repeat; run++) {
    const warehouse = join(root, `${kind}-${Math.random().toString(36).slice(2)}.duckdb`);
    const output = execFileSync(process.execPath, ['--import', 'tsx', measureScript, kind, file, warehouse, ...registry], { encoding: 'utf8' });
    const m = JSON.parse(output.trim().split('\n').at(-1)!) as Measurement;
    seconds = Math.min(seconds, m.seconds);
    cpuSeconds = Math.min(cpuSeconds, m.cpuSeconds);
    peakRssMb = Math.max(peakRssMb, m.peakRssMb);
  }
  return { seconds, cpuSeconds, peakRssMb };
}

async function toGbk(utf8: string, gbk: string): Promise<void> {
  await pipeline(createReadStream(utf8), iconv.decodeStream('utf8'), iconv.encodeStream('gbk'), createWriteStream(gbk));
}

const inbox = join(root, 'inbox');
const [manifest, generateSeconds] = await timed(() => generateCity({ schools, fromYear: 2025, toYear: 2025, seed: 20250101, dirtyRate: 0, outDir: inbox }));
const sensors = join(inbox, manifest.files.find((f) => f.source === 'sensors')!.file);
const sensorRows = manifest.files.find((f) => f.source === 'sensors')!.rows;
const gbk = join(root, 'sensors_gbk.csv');
await toGbk(sensors, gbk);
const registry = manifest.files.filter((f) => f.source === 'schools').map((f) => join(inbox, f.file));

const baseline = best('baseline', sensors);
const utf8 = best('ingest', sensors, registry);
const gbkMeasured = best('ingest', gbk, registry);

let big: { rows: number; mb: string; baseline: Measurement; utf8: Measurement; gbk: Measurement } | null = null;
if (bigRows !== null) {
  const bigFile = join(root, 'sensors_big.csv');
  const bigGbk = join(root, 'sensors_big_gbk.csv');
  const rows = await repeatedSensors(sensors, bigFile, bigRows);
  await toGbk(bigFile, bigGbk);
  big = {
    rows,
    mb: (statSync(bigFile).size / 1e6).toFixed(0),
    baseline: best('baseline', bigFile),
    utf8: best('ingest', bigFile, registry),
    gbk: best('ingest', bigGbk, registry),
  };
}

const transformDb = await Warehouse.open(join(root, 'transform.duckdb'));
await initWarehouse(transformDb);
const [, ingestAllSeconds] = await timed(() => ingestPath(transformDb, inbox));
const [, transformSeconds] = await timed(() => runTransform(transformDb));
const [scored, scoreSeconds] = await timed(async () => scoreSummary(transformDb, await currentPeriods(transformDb)));
const snapshot = await publishSnapshot(transformDb);
transformDb.close();
const site = await measureSite(snapshot.path, join(root, 'site'));
const heaviest = site.weights[0]!;
const schoolsPage = site.weights.find((w) => w.page === 'schools.html');

const rate = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString('en')} rows/s`;
const rss = (m: Measurement) => `${Math.round(m.peakRssMb)} MB`;
const line = (label: string, rows: number, m: Measurement, base: Measurement) =>
  `| ${label} | ${m.seconds.toFixed(2)} s | ${rate(rows, m.seconds)} | ${(m.seconds / base.seconds).toFixed(2)} | ${m.cpuSeconds.toFixed(2)} s | ${(m.cpuSeconds / base.cpuSeconds).toFixed(2)} | ${rss(m)} |`;
const mb = (statSync(sensors).size / 1e6).toFixed(0);
rmSync(root, { recursive: true, force: true });
console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${new Date().toISOString().slice(0, 10)}`);
console.log(`city: ${schools} schools, 2025; ${manifest.files.length} files, ${manifest.files.reduce((s, f) => s + f.rows, 0)} rows; best of ${repeat}`);
console.log('');
console.log('| measurement | time | rate | ratio to baseline | CPU time | CPU ratio | peak RSS |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
console.log(line(`DuckDB read_csv into a table (baseline), sensors ${sensorRows} rows, ${mb} MB`, sensorRows, baseline, baseline));
console.log(line('safecampus ingest, same file, UTF-8', sensorRows, utf8, baseline));
console.log(line('safecampus ingest, same rows, GBK', sensorRows, gbkMeasured, baseline));
if (big) {
  console.log(line(`DuckDB read_csv into a table (baseline), sensors ${big.rows} rows, ${big.mb} MB`, big.rows, big.baseline, big.baseline));
  console.log(line('safecampus ingest, same file, UTF-8', big.rows, big.utf8, big.baseline));
  console.log(line('safecampus ingest, same rows, GBK', big.rows, big.gbk, big.baseline));
}
console.log(`| generate the city | ${generateSeconds.toFixed(2)} s | | | | | |`);
console.log(`| ingest the whole city (all files) | ${ingestAllSeconds.toFixed(2)} s | | | | | |`);
console.log(`| transform (all models, all periods, data tests) | ${transformSeconds.toFixed(2)} s | | | | | |`);
console.log(`| score: read the scorecards of the current periods (${scored.length} periods, ${scored.reduce((n, p) => n + p.schools, 0)} school scorecards) | ${scoreSeconds.toFixed(2)} s | | | | | |`);
console.log(`| dashboards build (${site.pages} pages, from the snapshot) | ${site.seconds.toFixed(2)} s | | | | | |`);
console.log(`| heaviest page: ${heaviest.page}, with everything it loads (its data ${kib(heaviest.dataBytes)}) | ${kib(heaviest.bytes)} | | | | | |`);
if (schoolsPage) console.log(`| 学校 page with one school opened (index and one bucket: ${kib(schoolsPage.dataBytes)}) | ${kib(schoolsPage.bytes)} | | | | | |`);

/**
 * `npm run bench`: timings measured against baselines taken in the same run.
 *   - ingest of a large sensors CSV (UTF-8 and GBK) vs DuckDB's own read_csv of the same rows
 *   - demo-city generation and transform for the default city
 *   - the dashboard site built from that city's snapshot: build time and the heaviest page
 * Usage: npm run bench [-- --schools N]   (default 1200 schools, one year)
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { generateCity } from '../sources/demo-city/index.ts';
import { ingestFile, ingestPath } from '../sources/ingest.ts';
import { runTransform } from '../transforms/runner.ts';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from '../warehouse/init.ts';
import { publishSnapshot } from '../warehouse/snapshot.ts';
import { buildSite } from '../dashboards/build.ts';
import { pageWeights } from '../dashboards/weight.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const { values } = parseArgs({ options: { schools: { type: 'string' }, repeat: { type: 'string' } } });
const schools = Number(values.schools ?? 1200);
const repeat = Number(values.repeat ?? 3);
const root = mkdtempSync(join(tmpdir(), 'safecampus-bench-'));

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

/** Best of `repeat` runs, each on a fresh warehouse (the registry landed first, untimed). */
async function best(label: string, work: (db: Warehouse, run: number) => Promise<void>, setup?: (db: Warehouse) => Promise<void>): Promise<number> {
  let fastest = Infinity;
  for (let run = 0; run < repeat; run++) {
    const db = await Warehouse.open(join(root, `${label}-${run}.duckdb`));
    await initWarehouse(db);
    if (setup) await setup(db);
    const [, seconds] = await timed(() => work(db, run));
    fastest = Math.min(fastest, seconds);
    db.close();
  }
  return fastest;
}

const inbox = join(root, 'inbox');
const [manifest, generateSeconds] = await timed(() => generateCity({ schools, fromYear: 2025, toYear: 2025, seed: 20250101, dirtyRate: 0, outDir: inbox }));
const sensors = join(inbox, manifest.files.find((f) => f.source === 'sensors')!.file);
const sensorRows = manifest.files.find((f) => f.source === 'sensors')!.rows;
const gbk = join(root, 'sensors_gbk.csv');
await pipeline(createReadStream(sensors), iconv.decodeStream('utf8'), iconv.encodeStream('gbk'), createWriteStream(gbk));
const registry = manifest.files.filter((f) => f.source === 'schools').map((f) => join(inbox, f.file));
const landRegistry = async (db: Warehouse) => {
  for (const file of registry) await ingestFile(db, file);
};

const baseline = await best('baseline', async (db) => {
  await db.run(`create table bench_sensors as select * from read_csv('${sensors}', header = true)`);
});
const utf8 = await best('utf8', async (db) => void (await ingestFile(db, sensors)), landRegistry);
const gbkSeconds = await best('gbk', async (db) => void (await ingestFile(db, gbk)), landRegistry);

const transformDb = await Warehouse.open(join(root, 'transform.duckdb'));
await initWarehouse(transformDb);
const [, ingestAllSeconds] = await timed(() => ingestPath(transformDb, inbox));
const [, transformSeconds] = await timed(() => runTransform(transformDb));
const snapshot = await publishSnapshot(transformDb);
transformDb.close();
const [site, siteSeconds] = await timed(() => buildSite({ snapshotPath: snapshot.path, outDir: join(root, 'site') }));
const heaviest = (await pageWeights(site.outDir, site.pages)).sort((a, b) => b.bytes - a.bytes)[0]!;

const rate = (seconds: number) => `${Math.round(sensorRows / seconds).toLocaleString('en')} rows/s`;
const mb = (statSync(sensors).size / 1e6).toFixed(0);
console.log(`machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${new Date().toISOString().slice(0, 10)}`);
console.log(`city: ${schools} schools, 2025; ${manifest.files.length} files, ${manifest.files.reduce((s, f) => s + f.rows, 0)} rows; best of ${repeat}`);
console.log('');
console.log('| measurement | time | rate | ratio to baseline |');
console.log('| --- | --- | --- | --- |');
console.log(`| DuckDB read_csv into a table (baseline), sensors ${sensorRows} rows, ${mb} MB | ${baseline.toFixed(2)} s | ${rate(baseline)} | 1.00 |`);
console.log(`| safecampus ingest, same file, UTF-8 | ${utf8.toFixed(2)} s | ${rate(utf8)} | ${(utf8 / baseline).toFixed(2)} |`);
console.log(`| safecampus ingest, same rows, GBK | ${gbkSeconds.toFixed(2)} s | ${rate(gbkSeconds)} | ${(gbkSeconds / baseline).toFixed(2)} |`);
console.log(`| generate the city | ${generateSeconds.toFixed(2)} s | | |`);
console.log(`| ingest the whole city (all files) | ${ingestAllSeconds.toFixed(2)} s | | |`);
console.log(`| transform (all models, all periods, data tests) | ${transformSeconds.toFixed(2)} s | | |`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(`| dashboards build (${site.pages.length} pages, from the snapshot) | ${siteSeconds.toFixed(2)} s | | |`);
console.log(`| heaviest page: ${heaviest.page}, with everything it loads (its data ${kb(heaviest.dataBytes)}) | ${kb(heaviest.bytes)} | | |`);

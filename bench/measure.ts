/**
 * One bench measurement in a process of its own, so the peak RSS it reports is that of
 * the measured work alone (plus a fresh warehouse): `baseline` is DuckDB's plain read_csv
 * of the file into a table, `ingest` our ingest of it after landing the given registry
 * files (untimed). Prints {"seconds": …, "cpuSeconds": …, "peakRssMb": …}; CPU time (all
 * threads) tells more than wall time on a machine others are using.
 * Usage: node --import tsx bench/measure.ts baseline|ingest FILE WAREHOUSE [REGISTRY_FILE…]
 */
import { ingestFile } from '../sources/ingest.ts';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from '../sources/init.ts';

const [kind, file, warehouse, ...registry] = process.argv.slice(2);
if (!['baseline', 'ingest'].includes(kind) || !file || !warehouse) {
  console.error('usage: measure.ts baseline|ingest FILE WAREHOUSE [REGISTRY_FILE…]');
  process.exit(2);
}
const db = await Warehouse.open(warehouse);
await initWarehouse(db);
for (const path of registry) await ingestFile(db, path);
const started = performance.now();
const cpuStarted = process.cpuUsage();
if (kind === 'baseline') {
  await db.run(`create table bench_sensors as select * from read_csv('${file.replaceAll("'", "''")}', header = true)`);
} else {
  const result = await ingestFile(db, file);
  if (result.status !== 'landed' || result.rowsRejected > 0) throw new Error(`bench ingest of ${file} did not land cleanly: ${JSON.stringify(result)}`);
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
db.close();
console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024 }));

/**
 * A real crash mid-file for the atomicity test: ingests one file and kills its own
 * process (SIGKILL, no cleanup, no rollback) inside the landing transaction, right after
 * the named write.
 *
 *   node --import tsx test/sources/crash-ingest.ts <warehouse> <file> <raw|rejects|batch>
 */
import { Warehouse } from '../../warehouse/connection.ts';
import { ingestFile, type LandingStep } from '../../sources/ingest.ts';
import { NOW } from './helpers.ts';

const [dbPath, file, step] = process.argv.slice(2);
const db = await Warehouse.open(dbPath);
await ingestFile(db, file, {
  now: NOW,
  afterStep: (done: LandingStep) => {
    if (done === step) process.kill(process.pid, 'SIGKILL');
  },
});
console.error('crash-ingest: the ingest finished without reaching the crash point');
process.exit(3);

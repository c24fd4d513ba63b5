import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../cli/main.ts';
import { initWarehouse } from '../sources/init.ts';
import { referenceFingerprint } from '../sources/reference.ts';
import { Warehouse } from '../warehouse/connection.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export function tempDir(prefix = 'safecampus-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A warehouse the test throws away: closing it skips DuckDB's checkpoint (the file keeps its
 * write-ahead log instead), a fifth of a small city's init, ingest and transform otherwise.
 */
export async function scratchWarehouse(path: string): Promise<Warehouse> {
  const db = await Warehouse.open(path);
  await db.run('pragma disable_checkpoint_on_shutdown');
  return db;
}

/** Freshly initialised warehouse files, by the reference data (and aliases file) they were initialised with. */
const initialised = new Map<string, Promise<string>>();

/**
 * A throw-away warehouse at `path` as initWarehouse leaves it (migrated, raw tables, reference
 * data): a copy of one this process initialised with the same reference data, which saves the
 * 150 ms of DuckDB statements an init takes.
 */
export async function initialisedWarehouse(path: string): Promise<Warehouse> {
  const fingerprint = referenceFingerprint(path);
  let template = initialised.get(fingerprint);
  if (!template) {
    template = (async () => {
      const file = join(tempDir('safecampus-initialised-'), 'warehouse.duckdb');
      const db = await Warehouse.open(file);
      try {
        await initWarehouse(db, path); // the reference data of the warehouse at `path`
      } finally {
        db.close(); // with its checkpoint: the file stands alone
      }
      return file;
    })();
    initialised.set(fingerprint, template);
  }
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(await template, path);
  return scratchWarehouse(path);
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the CLI in-process, as `safecampus ...args` with these environment variables, capturing its output. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout: stdout as unknown as typeof process.stdout, stderr: stderr as unknown as typeof process.stderr }, env);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

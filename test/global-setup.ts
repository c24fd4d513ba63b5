import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every test run gets one temporary root, set as TMPDIR before the workers start, so what the
 * tests (and the processes they spawn) leave in os.tmpdir() goes when the run ends. Left to each
 * test, the leftovers of a few hundred runs once filled the disk and failed CI's `npm ci`.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'safecampus-run-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}

// @module-tag site
// The site build runs every data loader in its own process, on one opened snapshot, into
// Framework's cache (dashboards/lib/prebuild.ts). On the hand-made fixture snapshot: each
// output is byte for byte what the loader writes when Framework runs it as a process (city-wide
// and scoped to a unit), and a whole build starts no loader process. Framework compiles the pages
// while the data is computed: when the data fails, the build fails with the loader's error.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../dashboards/build.ts';
import { prebuildData } from '../../dashboards/lib/prebuild.ts';
import { createFixtureSnapshot } from '../browser/fixture.ts';
import { tempDir } from '../helpers.ts';

const DATA_DIR = join(import.meta.dirname, '../../dashboards/src/data');
const work = tempDir('safecampus-prebuild-');
const snapshotPath = join(work, 'snapshot.duckdb');

/** The loader file that writes `output` (units/411002.json.gz → units/[unit].json.gz.ts). */
function loaderOf(output: string): { file: string; args: string[] } {
  const unit = /^units\/(\d{6})\.json\.gz$/.exec(output)?.[1];
  return unit ? { file: join(DATA_DIR, 'units', '[unit].json.gz.ts'), args: [`--unit=${unit}`] } : { file: join(DATA_DIR, `${output}.ts`), args: [] };
}

async function asProcess(output: string, unit?: string): Promise<Buffer> {
  const { file, args } = loaderOf(output);
  const env: NodeJS.ProcessEnv = { ...process.env, SAFECAMPUS_SNAPSHOT: snapshotPath };
  delete env.SAFECAMPUS_UNIT;
  if (unit) env.SAFECAMPUS_UNIT = unit;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, ...args], { env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

beforeAll(async () => {
  await createFixtureSnapshot(snapshotPath);
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the site data built in one process', () => {
  for (const unit of [undefined, '411002']) {
    it(`writes what each loader writes as a process${unit ? `, scoped to ${unit}` : ''}`, async () => {
      const cacheDir = join(work, `cache-${unit ?? 'city'}`);
      const progress: string[] = [];
      const outputs = await prebuildData({ snapshotPath, unit, dataDir: DATA_DIR, cacheDir, onProgress: (done, total, output) => progress.push(`${done}/${total} ${output}`) });
      const loaderFiles = readdirSync(DATA_DIR).filter((f) => f.endsWith('.ts'));
      const unitOutputs = outputs.filter((o) => o.startsWith('units/'));
      expect(outputs).toHaveLength(loaderFiles.length + unitOutputs.length);
      const cityUnits = ['411000', '411002', '411003', '411024', '411025', '411071', '411072', '411073', '411081', '411082'];
      expect(unitOutputs).toEqual((unit ? [unit] : cityUnits).map((code) => `units/${code}.json.gz`));
      expect(progress.at(-1)).toMatch(new RegExp(`^${outputs.length}/${outputs.length} `));
      for (const output of outputs) {
        const prebuilt = readFileSync(join(cacheDir, ...output.split('/')));
        expect(prebuilt.length, output).toBeGreaterThan(0);
        expect(prebuilt.equals(await asProcess(output, unit)), output).toBe(true);
      }
    }, 240_000);
  }

  it('a site build runs no loader process and reports data files, then pages', async () => {
    const lines: string[] = [];
    const phases: string[] = [];
    const site = await buildSite({
      snapshotPath,
      outDir: join(work, 'site'),
      onLog: (line) => lines.push(line),
      onProgress: (phase, done, total) => phases.push(`${phase} ${done}/${total}`),
    });
    expect(lines.filter((line) => /\] (snapshot|wrote \d+ bytes)/.test(line))).toEqual([]);
    expect(lines.some((line) => /\[fresh\]/.test(line))).toBe(true);
    expect(phases.at(-1)).toBe(`pages ${site.pages.length}/${site.pages.length}`);
    expect(phases.filter((p) => p.startsWith('pages'))).toHaveLength(site.pages.length);
    const firstPage = phases.findIndex((p) => p.startsWith('pages'));
    expect(phases.slice(firstPage).every((p) => p.startsWith('pages'))).toBe(true);
    expect(phases.slice(0, firstPage).every((p) => p.startsWith('data'))).toBe(true);
    expect(firstPage).toBeGreaterThan(0);
  }, 240_000);

  it('a build asked for no progress finishes all the same', async () => {
    const site = await buildSite({ snapshotPath, outDir: join(work, 'site-quiet') });
    expect(site.pages).toHaveLength(22);
  }, 240_000);

  it('a build whose data fails stops Framework and says which data', async () => {
    const broken = join(work, 'no-cases.duckdb');
    await copyFile(snapshotPath, broken);
    const instance = await DuckDBInstance.create(broken);
    const connection = await instance.connect();
    await connection.run('drop table core.fct_cases');
    connection.closeSync();
    instance.closeSync();
    const outDir = join(work, 'site-broken');
    await expect(buildSite({ snapshotPath: broken, outDir })).rejects.toThrow(`snapshot ${broken} has no table core.fct_cases`);
    expect(existsSync(outDir)).toBe(false);
    expect(readdirSync(work).filter((f) => f.startsWith('site-broken'))).toEqual([]);
  }, 240_000);
});

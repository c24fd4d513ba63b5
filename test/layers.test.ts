/**
 * Imports run one way, down the data flow (README, "Architecture"; the rule itself is
 * .dependency-cruiser.cjs): dependency-cruiser reads every import of the project's code, type-only
 * ones included, and the suite fails listing each import that breaks the rule. The second case
 * runs the same rule on a small made-up tree with one violation of each kind, to show it can fail.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const FOLDERS = ['bin', 'cli', 'workflows', 'dashboards', 'reports', 'transforms', 'sources', 'warehouse', 'demo', 'shared', 'test', 'bench'];

/** Each rule broken, as "rule: from → to" (a cycle as its modules), sorted. */
async function violations(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
  const folders = FOLDERS.filter((folder) => existsSync(join(baseDir, folder)));
  const { output } = await cruise(folders, { ...options, baseDir, tsConfig: undefined }, {}, { tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')) });
  return (output as ICruiseResult).summary.violations
    .map((v) => `${v.rule.name}: ${v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`}`)
    .sort();
}

describe('the import rule', () => {
  it('holds for the project', async () => {
    expect(await violations(ROOT)).toEqual([]);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'safecampus-layers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports an import up the layers, between the siblings, into the demo city, and a cycle that runs', async () => {
    const files: Record<string, string> = {
      'warehouse/connection.ts': "export const connection = 1;\n",
      'warehouse/init.ts': "import { contract } from '../sources/contract.ts';\nexport const init = contract;\n",
      'sources/contract.ts': "import { connection } from '../warehouse/connection.ts';\nexport const contract = connection;\n",
      'sources/ingest.ts': "import type { City } from '../demo/city.ts';\nexport type Landed = City;\n",
      'demo/city.ts': "import { contract } from '../sources/contract.ts';\nexport type City = { contract: typeof contract };\n",
      'transforms/runner.ts': "import { contract } from '../sources/contract.ts';\nexport const runner = contract;\n",
      'transforms/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'transforms/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      // closed only by a type: erased before the code runs, not reported
      'transforms/c.ts': "import type { D } from './d.ts';\nexport type C = D;\nexport const c = 1;\n",
      'transforms/d.ts': "import { c } from './c.ts';\nexport type D = number;\nexport const d = c;\n",
      'reports/html.ts': "import { pct } from '../dashboards/format.ts';\nexport const html = pct;\n",
      'dashboards/format.ts': "import { runner } from '../transforms/runner.ts';\nexport const pct = runner;\n",
      'shared/format.ts': "import { runner } from '../transforms/runner.ts';\nexport const fixed = runner;\n",
      'cli/generate.ts': "import type { City } from '../demo/city.ts';\nexport type Generated = City;\n",
      'test/anything.ts': "import { html } from '../reports/html.ts';\nimport type { City } from '../demo/city.ts';\nexport const t: [typeof html, City?] = [html];\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    expect(await violations(scratch)).toEqual([
      'no-circular: transforms/a.ts → transforms/b.ts → transforms/a.ts',
      'reports-imports-only-transforms-sources-warehouse: reports/html.ts → dashboards/format.ts',
      'shared-imports-no-other-layer: shared/format.ts → transforms/runner.ts',
      'sources-imports-only-warehouse: sources/ingest.ts → demo/city.ts',
      'warehouse-imports-no-other-layer: warehouse/init.ts → sources/contract.ts',
    ]);
  });
});

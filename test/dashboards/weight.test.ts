import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pageWeights } from '../../dashboards/weight.ts';
import { tempDir } from '../helpers.ts';

const root = tempDir('safecampus-weight-');
afterAll(() => rm(root, { recursive: true, force: true }));

describe('pageWeights', () => {
  it('counts a page, the files it loads once each, and its data files apart, not the pages it links to', async () => {
    await mkdir(join(root, '_import'), { recursive: true });
    await mkdir(join(root, '_file', 'data'), { recursive: true });
    await writeFile(join(root, '_import', 'style.css'), 'x'.repeat(100));
    await writeFile(join(root, '_import', 'a.js'), 'x'.repeat(1000));
    await writeFile(join(root, '_file', 'data', 'q.json'), 'x'.repeat(5000));
    const html = [
      '<link rel="stylesheet" href="./_import/style.css">',
      '<link rel="modulepreload" href="./_import/a.js">',
      '<script type="module">import {x} from "./_import/a.js";',
      'registerFile("./data/q.json", {"name":"./data/q.json","path":"./_file/data/q.json","size":5000});',
      '</script><a href="./missing.html">elsewhere</a><a href="./index.html">a page it links to, not loads</a>',
    ].join('\n');
    await writeFile(join(root, 'quality.html'), html);
    await writeFile(join(root, 'index.html'), '<p>plain</p>');
    expect(await pageWeights(root, ['index.html', 'quality.html'])).toEqual([
      { page: 'index.html', bytes: 12, dataBytes: 0 },
      { page: 'quality.html', bytes: Buffer.byteLength(html) + 100 + 1000 + 5000, dataBytes: 5000 },
    ]);
  });

  it('adds to the 学校 page the largest bucket of school details it may fetch on demand', async () => {
    await mkdir(join(root, 'data', 'schools'), { recursive: true });
    await writeFile(join(root, 'data', 'schools', '00.json.gz'), 'x'.repeat(300));
    await writeFile(join(root, 'data', 'schools', '01.json.gz'), 'x'.repeat(700));
    await writeFile(join(root, 'schools.html'), '<p>search</p>');
    expect(await pageWeights(root, ['schools.html', 'index.html'])).toEqual([
      { page: 'schools.html', bytes: 13 + 700, dataBytes: 700 },
      { page: 'index.html', bytes: 12, dataBytes: 0 },
    ]);
  });
});

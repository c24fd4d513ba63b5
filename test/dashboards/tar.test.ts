import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tarArchive } from '../../dashboards/lib/tar.ts';
import { tempDir } from '../helpers.ts';

const root = tempDir('safecampus-tar-');
afterAll(() => rm(root, { recursive: true, force: true }));

describe('tarArchive', () => {
  it('writes an archive that GNU tar lists and extracts byte for byte, the same bytes every time', async () => {
    const entries = [
      { name: 'index.json.gz', data: Buffer.from('{"c":["2141002001"]}') },
      { name: 'empty.json', data: Buffer.alloc(0) },
      { name: '07.bin', data: Buffer.from(Array.from({ length: 1300 }, (_, i) => i % 256)) },
    ];
    const archive = tarArchive(entries);
    expect(archive.length).toBe(512 * (1 + 1 + 1 + 1 + 3 + 2));
    expect(tarArchive(entries).equals(archive)).toBe(true);
    const file = join(root, 'a.tar');
    await writeFile(file, archive);
    expect(execFileSync('tar', ['-tvf', file], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(/\s+/).slice(2, 3).concat(l.split(/\s+/).at(-1)!))).toEqual([
      ['20', 'index.json.gz'],
      ['0', 'empty.json'],
      ['1300', '07.bin'],
    ]);
    const out = join(root, 'out');
    await mkdir(out);
    execFileSync('tar', ['-xf', file, '-C', out]);
    for (const entry of entries) expect((await readFile(join(out, entry.name))).equals(entry.data), entry.name).toBe(true);
  });

  it('refuses names tar cannot hold or that would escape the folder', () => {
    expect(() => tarArchive([{ name: '../x.json', data: Buffer.alloc(1) }])).toThrow(/relative, without "\.\."/);
    expect(() => tarArchive([{ name: '学校.json', data: Buffer.alloc(1) }])).toThrow(/printable ASCII/);
    expect(() => tarArchive([{ name: 'x'.repeat(101), data: Buffer.alloc(1) }])).toThrow(/1–100/);
  });
});

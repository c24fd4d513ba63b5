import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar, tarArchive } from '../../shared/tar.ts';
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

describe('readTar', () => {
  it('reads back what tarArchive writes, and what GNU tar writes: folders, executables, long paths', async () => {
    const entries = [
      { name: 'index.json.gz', data: Buffer.from('{"c":["2141002001"]}') },
      { name: 'empty.json', data: Buffer.alloc(0) },
      { name: '07.bin', data: Buffer.from(Array.from({ length: 1300 }, (_, i) => i % 256)) },
    ];
    expect(readTar(tarArchive(entries)).map(({ name, data, executable }) => ({ name, data: Buffer.from(data), executable }))).toEqual(entries.map((e) => ({ ...e, executable: false })));

    const tree = join(root, 'tree');
    const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
    await mkdir(join(tree, 'lib', deep), { recursive: true });
    await writeFile(join(tree, 'lib', 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(tree, 'lib', deep, 'font.ttf'), 'glyphs');
    const file = join(root, 'gnu.tar');
    execFileSync('tar', ['--format=ustar', '-cf', file, '-C', tree, 'lib']);
    const members = readTar(await readFile(file)).map(({ name, data, executable }) => [name, Buffer.from(data).toString(), executable]);
    expect(members.sort()).toEqual([
      [`lib/${deep}/font.ttf`, 'glyphs', false],
      ['lib/tool', '#!/bin/sh\n', true],
    ]);
  });

  it('refuses links, members that would land outside the folder, and what is not a tar archive', async () => {
    const tree = join(root, 'links');
    await mkdir(tree, { recursive: true });
    await writeFile(join(tree, 'a'), 'a');
    execFileSync('ln', ['-s', 'a', join(tree, 'b')]);
    const file = join(root, 'links.tar');
    execFileSync('tar', ['--format=ustar', '-cf', file, '-C', tree, 'a', 'b']);
    expect(() => readTar(readFileSync(file))).toThrow(/tar member "b" is of type "2": only files and folders are read/);
    const escaping = tarArchive([{ name: 'x.json', data: Buffer.from('{}') }]);
    escaping.write('../x.json\0', 0, 'ascii');
    let sum = 0;
    escaping.fill(' ', 148, 156);
    for (const byte of escaping.subarray(0, 512)) sum += byte;
    escaping.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    expect(() => readTar(escaping)).toThrow(/would land outside the folder/);
    expect(() => readTar(Buffer.from('not a tar archive, just text'.repeat(40)))).toThrow(/bad checksum/);
  });
});

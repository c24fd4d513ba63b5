/**
 * The workflow bundle kept on disk is named by what it can have been built from: any project
 * TypeScript file or the lock file changing names another bundle; tests, data and node_modules do not.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { workflowBundleKey } from '../../workflows/bundle.ts';
import { tempDir } from '../helpers.ts';

it('names the bundle by every source file and the lock file, not by tests, data or installed packages', () => {
  const root = tempDir('safecampus-bundle-key-');
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('workflows/workflows.ts', 'export const a = 1;');
  write('shared/words.ts', 'export const b = 2;');
  write('package-lock.json', '{"lockfileVersion":3}');
  const key = workflowBundleKey(root);
  expect(key).toMatch(/^[0-9a-f]{24}$/);

  write('test/x.test.ts', 'it()');
  write('data/y.ts', '');
  write('node_modules/z/index.ts', '');
  write('workflows/notes.md', 'words');
  expect(workflowBundleKey(root)).toBe(key);

  write('shared/words.ts', 'export const b = 3;');
  const afterSource = workflowBundleKey(root);
  expect(afterSource).not.toBe(key);
  write('package-lock.json', '{"lockfileVersion":3,"packages":{}}');
  expect(workflowBundleKey(root)).not.toBe(afterSource);
  write('workflows/new-step.ts', '');
  expect(workflowBundleKey(root)).not.toBe(afterSource);
});

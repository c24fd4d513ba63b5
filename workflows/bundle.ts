/**
 * The webpack bundle of workflows.ts that every worker runs. Bundling costs about 1.3 s of CPU in
 * every process that starts a worker (`run`, `start`, `worker`), so the bundle is also kept on disk
 * under node_modules/.cache/safecampus/, named by a hash of everything it can have been built from:
 * every TypeScript file of the project outside test/, data/ and node_modules/, and
 * package-lock.json (the SDK's and webpack's versions). Any change to them names another file, so a
 * stale bundle is never run; the older files are removed. A cache that cannot be read or written is
 * skipped, and the bundle is built as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const PROJECT_ROOT = dirname(dirname(WORKFLOWS_PATH));
const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'safecampus');
const NOT_SOURCES = new Set(['node_modules', 'test', 'data']);

/** The project's TypeScript files that a bundle can include, in a stable order. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      if (entry.name.startsWith('.') || NOT_SOURCES.has(entry.name)) return [];
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
    });
}

/** Names the bundle the sources and the lock file would build. */
export function workflowBundleKey(root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(root), join(root, 'package-lock.json')]) {
    hash.update(`${file.slice(root.length)}\0`);
    if (existsSync(file)) hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

async function readCached(path: string): Promise<WorkflowBundleWithSourceMap | null> {
  try {
    const bundle = JSON.parse(await readFile(path, 'utf8')) as WorkflowBundleWithSourceMap;
    return typeof bundle.code === 'string' && typeof bundle.sourceMap === 'string' ? bundle : null;
  } catch {
    return null;
  }
}

async function writeCached(path: string, bundle: WorkflowBundleWithSourceMap): Promise<void> {
  try {
    await mkdir(CACHE_DIR, { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify({ code: bundle.code, sourceMap: bundle.sourceMap }));
    await rename(partial, path);
    for (const name of await readdir(CACHE_DIR)) {
      if (name.startsWith('workflow-bundle-') && join(CACHE_DIR, name) !== path && !name.endsWith('.partial')) await rm(join(CACHE_DIR, name), { force: true });
    }
  } catch {
    // a read-only install: every process bundles for itself
  }
}

async function loadOrBuild(): Promise<WorkflowBundleWithSourceMap> {
  const path = join(CACHE_DIR, `workflow-bundle-${workflowBundleKey()}.json`);
  const cached = await readCached(path);
  if (cached) return cached;
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  await writeCached(path, bundle);
  return bundle;
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | null = null;

/** The bundle of workflows.ts, once per process: from the disk cache, else built and cached. */
export function getWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= loadOrBuild().catch((error: unknown) => {
    bundlePromise = null;
    throw error;
  });
  return bundlePromise;
}

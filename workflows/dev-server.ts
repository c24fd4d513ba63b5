/**
 * The embedded Temporal dev server: `temporal server start-dev` persisted in SQLite under
 * `<dataDir>/temporal/`, found again by a second safecampus process through a state file.
 *
 *   <dataDir>/temporal/dev.sqlite    the server's persisted state (workflows survive restarts)
 *   <dataDir>/temporal/server.json   {pid, address, namespace, ...} of the running server
 *   <dataDir>/temporal/server.log    the server's stdout/stderr (appended)
 *   <dataDir>/temporal/start.json    who holds the start lock (warehouse/file-lock.ts), taken while a
 *                                    process starts a server, so two never share the DB
 *
 * The server runs in its own process group (detached) with its output going to the log file, so
 * Ctrl-C in a terminal reaches only safecampus, which shuts its worker down first and then stops the
 * server it owns (see {@link installShutdownHandlers} and {@link withTemporal}).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { acquireFileLock, holderOfThisProcess } from '../warehouse/file-lock.ts';
import { isProcessAlive } from '../warehouse/process.ts';
import { locateTemporalCli } from './temporal-cli.ts';

export const DEFAULT_NAMESPACE = 'default';

export interface ServerOptions {
  /** Directory that holds `temporal/` (the project's `data/`). */
  dataDir: string;
  /** gRPC port; default: a free port. */
  port?: number;
  /** Web UI port; setting it turns the UI on (default headless). */
  uiPort?: number;
  /** Turn the Web UI on (port `uiPort`, else the CLI's default gRPC port + 1000). Default false. */
  ui?: boolean;
  namespace?: string;
  /** Bind address. Default 127.0.0.1. */
  ip?: string;
  /** Temporal CLI binary; default {@link locateTemporalCli}. */
  cliPath?: string;
  /** How long to wait for the server to answer. Default 60 s. */
  startTimeoutMs?: number;
  /** Server log level: debug, info, warn, error. Default warn. */
  logLevel?: string;
  /**
   * Stop the server when this process exits without calling stop() (an uncaught error, process.exit).
   * Default true. A process killed with SIGKILL leaves it running; the next process finds and reuses it.
   */
  stopOnExit?: boolean;
}

/** Contents of `server.json`. */
export interface ServerState {
  pid: number;
  address: string;
  namespace: string;
  port: number;
  ui_port: number | null;
  db_filename: string;
  cli: string;
  owner_pid: number;
  started_at: string;
}

export interface ServerHandle {
  address: string;
  namespace: string;
  /** true: this process started the server and stop() terminates it; false: stop() leaves it running. */
  owned: boolean;
  /** Where the address came from. */
  source: 'env' | 'running' | 'started';
  /** Absent for an address from TEMPORAL_ADDRESS. */
  state: ServerState | null;
  stop(options?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /** Wait this long after SIGTERM before SIGKILL. Default 10 s. */
  timeoutMs?: number;
}

export function serverPaths(dataDir: string) {
  const dir = path.resolve(dataDir, 'temporal');
  return {
    dir,
    db: path.join(dir, 'dev.sqlite'),
    state: path.join(dir, 'server.json'),
    log: path.join(dir, 'server.log'),
    lock: path.join(dir, 'start.json'),
  };
}

/** A free TCP port on `host` (bind :0, read the port, close). */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** Does a Temporal frontend answer at `address` and know `namespace`? */
export async function probeServer(address: string, namespace = DEFAULT_NAMESPACE, timeoutMs = 2000): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    const conn = connection;
    await conn.withDeadline(Date.now() + timeoutMs, () => conn.workflowService.describeNamespace({ namespace }));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Whether the service takes workflow calls in `namespace` (a listing of its workflows answers). */
async function servesWorkflows(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2000 });
    const conn = connection;
    await conn.withDeadline(Date.now() + 2000, () => conn.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** How long a city namespace registered by safecampus keeps closed workflows' histories. */
const NAMESPACE_RETENTION = '30 days';

/**
 * Registers `namespace` on the service at `address` unless it exists (a city's own namespace on
 * the province's cluster: the first command that uses it creates it). Waits until it answers.
 */
export async function ensureNamespace(address: string, namespace: string): Promise<'existed' | 'registered'> {
  const existed = await probeServer(address, namespace, 5000);
  if (!existed) {
    const connection = await Connection.connect({ address, connectTimeout: 10_000 });
    try {
      await connection.workflowService
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION) })
        .catch((error: { code?: number; message?: string }) => {
          if (error.code !== 6) throw new Error(`cannot register the Temporal namespace ${namespace} at ${address}: ${error.message}; register it yourself (temporal operator namespace create ${namespace})`);
        }); // 6: ALREADY_EXISTS (another process registered it first)
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
  // describeNamespace answers as soon as the namespace is stored; starting a workflow in it needs the
  // frontend's namespace cache, refreshed about a second later on the dev server
  for (let waited = 0; waited < 30_000; waited += 250) {
    if (await servesWorkflows(address, namespace)) return existed ? 'existed' : 'registered';
    await sleep(250);
  }
  throw new Error(`the Temporal namespace ${namespace} at ${address} is registered but takes no workflow calls after 30 s`);
}

/** false when /proc says the pid is some other program (pid reuse); true when it matches or cannot be checked. */
function looksLikeDevServer(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('start-dev');
  } catch {
    return true;
  }
}

function readState(file: string): ServerState | null | 'corrupt' {
  if (!existsSync(file)) return null;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as ServerState;
    if (typeof state.pid !== 'number' || typeof state.address !== 'string') return 'corrupt';
    return state;
  } catch {
    return 'corrupt';
  }
}

function writeStateAtomic(file: string, state: ServerState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

function removeStateIfPid(file: string, pid: number): void {
  const state = readState(file);
  if (state === null) return;
  if (state === 'corrupt' || state.pid === pid) {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

function tailOf(file: string, fromOffset: number, lines = 30): string {
  try {
    const text = readFileSync(file, 'utf8').slice(fromOffset);
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    return tail || '(the server wrote nothing)';
  } catch {
    return '(no server log)';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the whole process group (the server is a group leader: detached)
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

async function waitForExit(pid: number, child: ChildProcess | null, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  if (child) {
    if (child.exitCode !== null || child.signalCode !== null) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

async function terminate(pid: number, child: ChildProcess | null, timeoutMs: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit(pid, child, timeoutMs)) return;
  signalGroup(pid, 'SIGKILL');
  await waitForExit(pid, child, 5000);
}

function foundHandle(state: ServerState): ServerHandle {
  return { address: state.address, namespace: state.namespace, owned: false, source: 'running', state, stop: async () => undefined };
}

/**
 * The server recorded in `<dataDir>/temporal/server.json`, if its process is alive and answers.
 * A state file whose process is gone is removed (stale). A live server that does not answer is an
 * error (starting a second server on the same SQLite file would be worse).
 * The returned handle is not owned: its stop() leaves the server running.
 */
export async function findRunningServer(dataDir: string, options: { probeTimeoutMs?: number } = {}): Promise<ServerHandle | null> {
  const paths = serverPaths(dataDir);
  const state = readState(paths.state);
  if (state === null) return null;
  if (state === 'corrupt') {
    removeStateIfPid(paths.state, -1);
    return null;
  }
  if (!isProcessAlive(state.pid) || !looksLikeDevServer(state.pid)) {
    removeStateIfPid(paths.state, state.pid);
    return null;
  }
  const deadline = Date.now() + (options.probeTimeoutMs ?? 5000);
  do {
    if (await probeServer(state.address, state.namespace, 2000)) return foundHandle(state);
    if (!isProcessAlive(state.pid)) {
      removeStateIfPid(paths.state, state.pid);
      return null;
    }
    await sleep(250);
  } while (Date.now() < deadline);
  throw new Error(
    `A Temporal dev server (pid ${state.pid}, started ${state.started_at}) holds ${state.db_filename} ` +
      `but does not answer at ${state.address}. Stop it (\`kill ${state.pid}\`) and run the command again.`,
  );
}

/** Stops the server recorded in the state file, whoever started it. Resolves false when none was running. */
export async function stopRunningServer(dataDir: string, options: StopOptions = {}): Promise<boolean> {
  const paths = serverPaths(dataDir);
  const state = readState(paths.state);
  if (state === null) return false;
  if (state === 'corrupt') {
    removeStateIfPid(paths.state, -1);
    return false;
  }
  const alive = isProcessAlive(state.pid) && looksLikeDevServer(state.pid);
  if (alive) await terminate(state.pid, null, options.timeoutMs ?? 10_000);
  removeStateIfPid(paths.state, state.pid);
  return alive;
}

// ---------------------------------------------------------------------------------------------
// start lock: one process at a time may start a server on a given data dir

/** Runs `fn` holding the start lock; while waiting, a server that appears (started by the holder) is returned. */
async function withStartLock<T>(dataDir: string, fn: () => Promise<T>, onWait: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const paths = serverPaths(dataDir);
  let found: T | null = null;
  const lock = await acquireFileLock(paths.lock, holderOfThisProcess({}), {
    waitMs: timeoutMs,
    stopWaiting: async () => (found = await onWait()) !== null,
    refuse: (holder) => new Error(`Timed out waiting for another process (pid ${holder?.pid ?? '?'}) to start the Temporal dev server (lock ${paths.lock}).`),
  });
  if (lock === null) return found!;
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

// ---------------------------------------------------------------------------------------------

async function spawnServer(options: ServerOptions, cli: string): Promise<ServerHandle> {
  const paths = serverPaths(options.dataDir);
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const port = options.port ?? (await findFreePort(ip));
  const uiOn = options.ui === true || options.uiPort !== undefined;
  const args = ['server', 'start-dev', '--db-filename', paths.db, '--ip', ip, '--port', String(port), '--log-level', options.logLevel ?? 'warn'];
  if (namespace !== DEFAULT_NAMESPACE) args.push('--namespace', namespace);
  if (uiOn) {
    args.push('--ui-port', String(options.uiPort ?? port + 1000));
  } else {
    args.push('--headless');
  }
  const logOffset = existsSync(paths.log) ? statSync(paths.log).size : 0;
  const logFd = openSync(paths.log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cli, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.unref();
  const address = `${ip}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const startedMs = Date.now();
  const fail = async (why: string): Promise<never> => {
    if (child.pid !== undefined && child.exitCode === null) await terminate(child.pid, child, 3000);
    throw new Error(
      `The embedded Temporal dev server ${why}.\n  command: ${cli} ${args.join(' ')}\n  log: ${paths.log}\n--- server output (tail) ---\n${tailOf(paths.log, logOffset)}`,
    );
  };
  for (;;) {
    const error = await Promise.race([spawnError, sleep(0).then(() => null)]);
    if (error) return fail(`could not be launched (${error.message})`);
    if (child.exitCode !== null || child.signalCode !== null) {
      return fail(`exited during start-up (${child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode})`);
    }
    if (await probeServer(address, namespace, 1000)) break;
    if (Date.now() > deadline) return fail(`did not answer at ${address} within ${Math.round((Date.now() - startedMs) / 1000)} s`);
    await sleep(200);
  }
  const pid = child.pid as number;
  const state: ServerState = {
    pid,
    address,
    namespace,
    port,
    ui_port: uiOn ? (options.uiPort ?? port + 1000) : null,
    db_filename: paths.db,
    cli,
    owner_pid: process.pid,
    started_at: new Date().toISOString(),
  };
  writeStateAtomic(paths.state, state);

  const onExit = () => {
    // Synchronous last resort: the process is exiting without having called stop().
    signalGroup(pid, 'SIGTERM');
    removeStateIfPid(paths.state, pid);
  };
  if (options.stopOnExit !== false) process.on('exit', onExit);
  let stopping: Promise<void> | null = null;
  return {
    address,
    namespace,
    owned: true,
    source: 'started',
    state,
    stop(stopOptions: StopOptions = {}) {
      stopping ??= (async () => {
        process.off('exit', onExit);
        await terminate(pid, child, stopOptions.timeoutMs ?? 10_000);
        removeStateIfPid(paths.state, pid);
      })();
      return stopping;
    },
  };
}

async function startUnlocked(options: ServerOptions): Promise<ServerHandle> {
  const cli = options.cliPath ?? (await locateTemporalCli());
  try {
    return await spawnServer(options, cli);
  } catch (error) {
    // A free port picked by us can be taken in the moment before the server binds it: try once more.
    if (options.port === undefined && /address already in use|bind/i.test((error as Error).message)) return spawnServer(options, cli);
    throw error;
  }
}

/**
 * Starts `temporal server start-dev` persisted under `<dataDir>/temporal/`, waits until it answers,
 * writes the state file. Refuses when a live server already holds this data dir (use
 * {@link ensureServer} to reuse it).
 */
export async function startEmbeddedServer(options: ServerOptions): Promise<ServerHandle> {
  const refuseIfRunning = async () => {
    const running = await findRunningServer(options.dataDir);
    if (running) {
      throw new Error(`A Temporal dev server is already running on ${running.address} (pid ${running.state?.pid}) for ${serverPaths(options.dataDir).dir}.`);
    }
    return null;
  };
  return withStartLock(
    options.dataDir,
    async () => {
      await refuseIfRunning();
      return startUnlocked(options);
    },
    refuseIfRunning,
    (options.startTimeoutMs ?? 60_000) + 30_000,
  );
}

/**
 * The Temporal service to use:
 *   env TEMPORAL_ADDRESS set → that address (namespace from TEMPORAL_NAMESPACE, default `default`), not owned;
 *   else the embedded server already running for this data dir, not owned;
 *   else a new embedded server, owned (stop() terminates it).
 */
export async function ensureServer(dataDir: string, options: Omit<ServerOptions, 'dataDir'> & { env?: NodeJS.ProcessEnv } = {}): Promise<ServerHandle> {
  const env = options.env ?? process.env;
  const external = env.TEMPORAL_ADDRESS?.trim();
  if (external) {
    const namespace = env.TEMPORAL_NAMESPACE?.trim() || options.namespace || DEFAULT_NAMESPACE;
    if (namespace !== DEFAULT_NAMESPACE) await ensureNamespace(external, namespace);
    return {
      address: external,
      namespace,
      owned: false,
      source: 'env',
      state: null,
      stop: async () => undefined,
    };
  }
  const running = await findRunningServer(dataDir);
  if (running) return running;
  return withStartLock(
    dataDir,
    async () => (await findRunningServer(dataDir)) ?? startUnlocked({ ...options, dataDir }),
    () => findRunningServer(dataDir),
    (options.startTimeoutMs ?? 60_000) + 30_000,
  );
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface ShutdownHandlerOptions {
  signals?: NodeJS.Signals[];
  /** Exit the process after cleanup (code 128 + signal number). Default true. */
  exit?: boolean;
  /** Say what is happening (default: a line on stderr). */
  log?: (line: string) => void;
}

/**
 * On SIGINT/SIGTERM/SIGHUP run `cleanup` once (e.g. shut the worker down, then stop the owned
 * server), then exit. A second signal while cleaning up exits at once (the owned server still
 * gets SIGTERM from its exit hook). Returns a function that removes the handlers.
 */
export function installShutdownHandlers(cleanup: (signal: NodeJS.Signals) => Promise<void>, options: ShutdownHandlerOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let running = false;
  const handler = (signal: NodeJS.Signals) => {
    const code = SIGNAL_EXIT_CODES[signal] ?? 1;
    if (running) {
      log(`safecampus: ${signal} again, exiting now.`);
      process.exit(code);
    }
    running = true;
    log(`safecampus: ${signal} received, stopping the worker and the embedded Temporal server (again to force)...`);
    cleanup(signal)
      .catch((error: unknown) => log(`safecampus: error while stopping: ${(error as Error).message}`))
      .finally(() => {
        if (options.exit !== false) process.exit(code);
      });
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

export interface TemporalContext {
  address: string;
  namespace: string;
  owned: boolean;
  source: ServerHandle['source'];
  /** Aborted when a shutdown signal arrives: stop the worker and return. */
  signal: AbortSignal;
}

/**
 * `ensureServer`, run `fn`, stop the server if this process started it; Ctrl-C aborts `signal`,
 * waits (up to `graceMs`, default 20 s) for `fn` to finish its clean-up, stops the owned server and exits.
 */
export async function withTemporal<T>(
  options: Omit<ServerOptions, 'dataDir'> & {
    dataDir: string;
    env?: NodeJS.ProcessEnv;
    graceMs?: number;
    keepServer?: boolean;
    /** A server the caller already began to start (ensureServer): used instead of starting one here. */
    starting?: Promise<ServerHandle>;
  },
  fn: (context: TemporalContext) => Promise<T>,
): Promise<T> {
  const server = await (options.starting ?? ensureServer(options.dataDir, options));
  const controller = new AbortController();
  let work: Promise<unknown> = Promise.resolve();
  const dispose = installShutdownHandlers(async () => {
    controller.abort();
    await Promise.race([work.catch(() => undefined), sleep(options.graceMs ?? 20_000)]);
    if (!options.keepServer) await server.stop();
  });
  try {
    const promise = fn({ address: server.address, namespace: server.namespace, owned: server.owned, source: server.source, signal: controller.signal });
    work = promise;
    return await promise;
  } finally {
    dispose();
    if (!options.keepServer) await server.stop();
  }
}

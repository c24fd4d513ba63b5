/** `safecampus`: parse the command line, dispatch, map errors to exit codes 0/1/2. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CommandOutcome, UsageError, type Command, type CommandContext } from './command.ts';
import { COMMAND_NAMES, loadCommand } from './commands/index.ts';
import { cityWarehouse, citiesFile, findCity, type City } from './cities.ts';

const DEFAULT_DB_PATH = 'data/warehouse.duckdb';

/** The warehouse a command works on: the --db flag, then SAFECAMPUS_DB, then data/warehouse.duckdb (relative to the cwd). */
export function warehousePath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env.SAFECAMPUS_DB ?? DEFAULT_DB_PATH);
}

const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  city: { type: 'string' },
  cities: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const GLOBAL_HELP: [string, string][] = [
  ['--db PATH', 'warehouse file (default data/warehouse.duckdb, env SAFECAMPUS_DB)'],
  ['--city CODE', "one city of the cities file: its warehouse, inbox, reference data and Temporal namespace (instead of --db)"],
  ['--cities FILE', 'the cities file (default cities.json, env SAFECAMPUS_CITIES)'],
  ['--json', 'machine-readable output'],
  ['-h, --help', 'this help'],
];

/** The city `--city` picks, checked against the other ways of naming a warehouse or namespace; null without --city. */
function cityOf(values: Record<string, unknown>, env: NodeJS.ProcessEnv, command: Command): City | null {
  const code = typeof values.city === 'string' ? values.city : undefined;
  if (code === undefined) {
    if (values.cities !== undefined && !command.readsCitiesFile) throw new UsageError('--cities goes with --city CODE');
    return null;
  }
  if (values.db !== undefined) throw new UsageError('--city names the warehouse already: drop --db');
  const city = findCity(citiesFile(typeof values.cities === 'string' ? values.cities : undefined, env), code);
  const namespace = env.TEMPORAL_NAMESPACE?.trim();
  if (namespace && namespace !== city.namespace) {
    throw new UsageError(`TEMPORAL_NAMESPACE is ${namespace}, but ${city.name} runs in its own namespace ${city.namespace}: unset TEMPORAL_NAMESPACE`);
  }
  return city;
}

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await generalHelp());
    return name === undefined ? 2 : 0;
  }
  const command = await loadCommand(name);
  if (!command) {
    io.stderr.write(`safecampus: unknown command "${name}". Run \`safecampus --help\` for the list.\n`);
    return 2;
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`safecampus ${name}: ${(error as Error).message}\nRun \`safecampus ${name} --help\` for usage.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const json = values.json === true;
  let city: City | null;
  try {
    city = cityOf(values, env, command);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`safecampus ${name}: ${error.message}\n`);
    return 2;
  }
  const context: CommandContext = {
    json,
    stdout: io.stdout,
    stderr: io.stderr,
    dbPath: city ? cityWarehouse(city) : warehousePath(typeof values.db === 'string' ? values.db : undefined, env),
    city,
    citiesFile: citiesFile(typeof values.cities === 'string' ? values.cities : undefined, env),
    say: (line) => {
      if (!json) io.stdout.write(`${line}\n`);
    },
  };
  try {
    const returned = await command.run(values as never, positionals, context);
    const result = returned instanceof CommandOutcome ? returned.result : returned;
    if (json && result !== undefined) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (returned instanceof CommandOutcome) {
      io.stderr.write(`safecampus ${name}: ${returned.message}\n`);
      return returned.exitCode;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`safecampus ${name}: ${error.message}\nRun \`safecampus ${name} --help\` for usage.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`safecampus ${name}: ${message}\n`);
    if (env.SAFECAMPUS_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

async function generalHelp(): Promise<string> {
  const commands = await Promise.all(COMMAND_NAMES.map(async (name) => (await loadCommand(name))!));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'safecampus — campus-safety evaluation warehouse',
    '',
    'Usage: safecampus <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    ...formatOptions(GLOBAL_HELP),
    '',
    'Run `safecampus <command> --help` for a command’s options.',
    'Exit codes: 0 success, 1 failure, 2 bad usage.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `Usage: safecampus ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary,
    '',
    'Options:',
    ...formatOptions([...command.help, ...GLOBAL_HELP]),
    '',
  ].join('\n');
}

function formatOptions(options: [string, string][]): string[] {
  const width = Math.max(...options.map(([flag]) => flag.length));
  return options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

/**
 * What every `safecampus` sub-command looks like, and the two error kinds the CLI maps
 * to exit codes: UsageError → 2 (the call was wrong), anything else → 1 (the work failed).
 */
import type { City } from './cities.ts';
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  /** Write a human line to stdout (suppressed with --json). */
  say(line: string): void;
  /** Write the machine-readable result (only with --json). */
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The warehouse file, resolved once by main: --db, else env SAFECAMPUS_DB, else data/warehouse.duckdb (absolute). */
  dbPath: string;
  /** The city `--city` picked (its warehouse is dbPath); null without --city. */
  city: City | null;
  /** The cities file: --cities, else env SAFECAMPUS_CITIES, else cities.json (absolute; it may not exist). */
  citiesFile: string;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) after `safecampus <name>`, e.g. "[--schools N] [--out DIR]". */
  usage: string;
  /** Option lines for --help: [flag, description]. */
  help: [string, string][];
  options: OptionSpec;
  allowPositionals?: boolean;
  /** The command reads the cities file as a whole (the province, every city), so --cities needs no --city. */
  readsCitiesFile?: boolean;
  run(values: Values, positionals: string[], context: CommandContext): Promise<unknown>;
}

export class UsageError extends Error {}

/**
 * What a command returns when its work went fine but its answer is a failure (`status --health`
 * finding a source missing): the result is printed as usual, then `message` on stderr, and the
 * process exits with `exitCode`.
 */
export class CommandOutcome {
  constructor(
    readonly result: unknown,
    readonly exitCode: number,
    readonly message: string,
  ) {}
}

export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function integerOption(values: Values, name: string, fallback: number, min = 0): number {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
  }
  return Number(text);
}

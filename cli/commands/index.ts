import type { Command } from '../command.ts';

/**
 * Every command by name, in the order `safecampus --help` lists them, each imported only when it is
 * asked for: importing them all (Temporal's worker, the reports' renderers) took 1–2 s before any
 * command started (`dashboards build` needs none of that). A command's name is its key here.
 */
const COMMANDS = new Map<string, () => Promise<Command>>([
  ['setup', async () => (await import('./setup.ts')).setupCommand],
  ['start', async () => (await import('./start.ts')).startCommand],
  ['generate', async () => (await import('./generate.ts')).generateCommand],
  ['init', async () => (await import('./init.ts')).initCommand],
  ['ingest', async () => (await import('./ingest.ts')).ingestCommand],
  ['release', async () => (await import('./release.ts')).releaseCommand],
  ['transform', async () => (await import('./transform.ts')).transformCommand],
  ['score', async () => (await import('./score.ts')).scoreCommand],
  ['report', async () => (await import('./report.ts')).reportCommand],
  ['run', async () => (await import('./run.ts')).runCommand],
  ['worker', async () => (await import('./worker.ts')).workerCommand],
  ['query', async () => (await import('./query.ts')).queryCommand],
  ['dictionary', async () => (await import('./dictionary.ts')).dictionaryCommand],
  ['schedule', async () => (await import('./schedule.ts')).scheduleCommand],
  ['appraisal', async () => (await import('./appraisal.ts')).appraisalCommand],
  ['province', async () => (await import('./province.ts')).provinceCommand],
  ['dashboards', async () => (await import('./dashboards.ts')).dashboardsCommand],
  ['weights', async () => (await import('./weights.ts')).weightsCommand],
  ['status', async () => (await import('./status.ts')).statusCommand],
  ['types', async () => (await import('./types.ts')).typesCommand],
]);

export const COMMAND_NAMES = [...COMMANDS.keys()];

/** The command named `name`, or undefined for a name that is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return COMMANDS.get(name)?.();
}

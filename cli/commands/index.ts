import type { Command } from '../command.ts';
import { dashboardsCommand } from './dashboards.ts';
import { generateCommand } from './generate.ts';
import { startCommand } from './start.ts';
import { weightsCommand } from './weights.ts';
import { ingestCommand } from './ingest.ts';
import { initCommand } from './init.ts';
import { releaseCommand } from './release.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { scoreCommand } from './score.ts';
import { setupCommand } from './setup.ts';
import { statusCommand } from './status.ts';
import { transformCommand } from './transform.ts';
import { typesCommand } from './types.ts';
import { workerCommand } from './worker.ts';

export const COMMANDS: Command[] = [
  setupCommand,
  startCommand,
  generateCommand,
  initCommand,
  ingestCommand,
  releaseCommand,
  transformCommand,
  scoreCommand,
  reportCommand,
  runCommand,
  workerCommand,
  dashboardsCommand,
  weightsCommand,
  statusCommand,
  typesCommand,
];

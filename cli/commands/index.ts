import type { Command } from '../command.ts';
import { dashboardsCommand } from './dashboards.ts';
import { dictionaryCommand } from './dictionary.ts';
import { generateCommand } from './generate.ts';
import { startCommand } from './start.ts';
import { weightsCommand } from './weights.ts';
import { ingestCommand } from './ingest.ts';
import { initCommand } from './init.ts';
import { queryCommand } from './query.ts';
import { releaseCommand } from './release.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { scoreCommand } from './score.ts';
import { setupCommand } from './setup.ts';
import { statusCommand } from './status.ts';
import { transformCommand } from './transform.ts';
import { typesCommand } from './types.ts';
import { workerCommand } from './worker.ts';
import { appraisalCommand } from './appraisal.ts';
import { scheduleCommand } from './schedule.ts';
import { provinceCommand } from './province.ts';

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
  queryCommand,
  dictionaryCommand,
  scheduleCommand,
  appraisalCommand,
  provinceCommand,
  dashboardsCommand,
  weightsCommand,
  statusCommand,
  typesCommand,
];

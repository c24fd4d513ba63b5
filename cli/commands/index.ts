import type { Command } from '../command.ts';
import { ingestCommand } from './ingest.ts';
import { initCommand } from './init.ts';
import { releaseCommand } from './release.ts';
import { scoreCommand } from './score.ts';
import { statusCommand } from './status.ts';
import { transformCommand } from './transform.ts';

export const COMMANDS: Command[] = [initCommand, ingestCommand, releaseCommand, transformCommand, scoreCommand, statusCommand];

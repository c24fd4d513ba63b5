import type { Command } from '../command.ts';
import { ingestCommand } from './ingest.ts';
import { initCommand } from './init.ts';

export const COMMANDS: Command[] = [initCommand, ingestCommand];

import type { Command } from '../command.ts';
import { initCommand } from './init.ts';

export const COMMANDS: Command[] = [initCommand];

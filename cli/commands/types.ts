import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from '../command.ts';
import { describeDrift, generateFromScratchWarehouse, SCHEMA_TYPES_PATH } from '../../warehouse/schema-types.ts';

export const typesCommand: Command = {
  name: 'types',
  summary: 'regenerate warehouse/schema.generated.ts (the Kysely table types) from a scratch warehouse',
  usage: '[--check]',
  help: [['--check', 'change nothing; exit 1 naming the tables and columns that differ from the checked-in file']],
  options: { check: { type: 'boolean' } },
  async run(values, _positionals, context) {
    const generated = await generateFromScratchWarehouse();
    const file = relative(process.cwd(), SCHEMA_TYPES_PATH);
    const checkedIn = existsSync(SCHEMA_TYPES_PATH) ? readFileSync(SCHEMA_TYPES_PATH, 'utf8') : '';
    const drift = checkedIn === generated ? [] : describeDrift(checkedIn, generated);
    if (values.check) {
      if (drift.length) {
        throw new Error(`${file} is out of date with the warehouse (${drift.length} difference(s)):\n${drift.map((line) => `  ${line}`).join('\n')}\nRun \`npx safecampus types\` and commit the file.`);
      }
      context.say(`${file} matches the warehouse`);
      return { path: file, up_to_date: true, changes: [] };
    }
    if (drift.length) writeFileSync(SCHEMA_TYPES_PATH, generated);
    context.say(drift.length ? `wrote ${file}:\n${drift.map((line) => `  ${line}`).join('\n')}` : `${file} is already up to date`);
    return { path: file, up_to_date: !drift.length, changes: drift };
  },
};

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { stringOption, type Command } from '../command.ts';
import { describeDrift, generateFromScratchWarehouse, SCHEMA_TYPES_PATH } from '../schema-types.ts';

export const typesCommand: Command = {
  name: 'types',
  summary: 'regenerate warehouse/schema.generated.ts (the Kysely table types) from a scratch warehouse',
  usage: '[--check] [--out FILE]',
  help: [
    ['--check', 'change nothing; exit 1 naming the tables and columns that differ from the file'],
    ['--out FILE', 'the types file (default warehouse/schema.generated.ts, the one the code imports)'],
  ],
  options: { check: { type: 'boolean' }, out: { type: 'string' } },
  async run(values, _positionals, context) {
    const out = stringOption(values, 'out');
    const path = out === undefined ? SCHEMA_TYPES_PATH : resolve(out);
    const file = relative(process.cwd(), path);
    const generated = await generateFromScratchWarehouse();
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const drift = current === generated ? [] : describeDrift(current, generated);
    const listed = drift.map((line) => `  ${line}`).join('\n');
    if (values.check) {
      if (drift.length) {
        throw new Error(`${file} is out of date with the warehouse (${drift.length} difference(s)):\n${listed}\nRun \`npx safecampus types${out === undefined ? '' : ` --out ${out}`}\` and commit the file.`);
      }
      context.say(`${file} matches the warehouse`);
      return { path: file, up_to_date: true, changes: [] };
    }
    if (drift.length) writeFileSync(path, generated);
    context.say(drift.length ? `wrote ${file}:\n${listed}` : `${file} is already up to date`);
    return { path: file, up_to_date: !drift.length, changes: drift };
  },
};

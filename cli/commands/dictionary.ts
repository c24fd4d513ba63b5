/**
 * `safecampus dictionary [--out DIR]`: regenerate docs/data-dictionary.md and .json. The
 * column types come from a scratch warehouse (in a temporary folder, no data) built by
 * the same migrations and models as the real one, so the result depends on the code only.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringOption, type Command } from '../command.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { loadModels, runTransform } from '../../transforms/runner.ts';
import { describeWarehouse, dictionaryJson, dictionaryMarkdown } from '../../transforms/dictionary.ts';

const DOCS_DIR = join(import.meta.dirname, '..', '..', 'docs');

export const dictionaryCommand: Command = {
  name: 'dictionary',
  summary: 'regenerate the data dictionary (docs/data-dictionary.md and .json) from the models',
  usage: '[--out DIR]',
  help: [['--out DIR', 'where data-dictionary.md and data-dictionary.json go (default: the repository’s docs/)']],
  options: { out: { type: 'string' } },
  async run(values, _positionals, context) {
    const outDir = resolve(stringOption(values, 'out') ?? DOCS_DIR);
    const scratch = mkdtempSync(join(tmpdir(), 'safecampus-dictionary-'));
    try {
      const db = await Warehouse.open(join(scratch, 'warehouse.duckdb'));
      try {
        await initWarehouse(db);
        const models = loadModels();
        await runTransform(db, { models });
        const { dictionary, problems } = await describeWarehouse(db, models);
        if (problems.length) {
          throw new Error(`the data dictionary is incomplete, nothing written:\n  ${problems.join('\n  ')}`);
        }
        mkdirSync(outDir, { recursive: true });
        const files = [join(outDir, 'data-dictionary.md'), join(outDir, 'data-dictionary.json')];
        writeFileSync(files[0], dictionaryMarkdown(dictionary));
        writeFileSync(files[1], dictionaryJson(dictionary));
        const columns = dictionary.tables.reduce((n, t) => n + t.columns.length, 0);
        context.say(`wrote ${files.join(' and ')}: ${dictionary.tables.length} tables, ${columns} columns`);
        return { files, tables: dictionary.tables.length, columns };
      } finally {
        db.close();
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

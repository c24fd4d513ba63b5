// Data for the 数据字典 page: docs/data-dictionary.json (every table of core and marts with
// its grain and columns), as generated from the models — no snapshot. Only what the page
// shows is kept.
//
// Grain of the output: one JSON document; `tables` one entry per table, in the file's order.
import { readFileSync } from 'node:fs';
import { siteLoader } from '../../lib/loader.ts';

const DICTIONARY = new URL('../../../docs/data-dictionary.json', import.meta.url);

interface Table {
  table: string;
  title_zh: string;
  title_en: string;
  grain: string;
  columns: Array<{ name: string; type: string; description_zh: string; description_en: string }>;
}

async function dictionary() {
  let parsed: { tables?: Table[] };
  try {
    parsed = JSON.parse(readFileSync(DICTIONARY, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${DICTIONARY.pathname} (${(error as Error).message}): regenerate it with \`safecampus dictionary\``);
  }
  if (!Array.isArray(parsed.tables) || parsed.tables.length === 0) throw new Error(`${DICTIONARY.pathname} lists no tables: regenerate it with \`safecampus dictionary\``);
  return {
    tables: parsed.tables.map(({ table, title_zh, title_en, grain, columns }) => ({
      table,
      title_zh,
      title_en,
      grain,
      columns: columns.map(({ name, type, description_zh, description_en }) => ({ name, type, description_zh, description_en })),
    })),
  };
}

export default await siteLoader(import.meta, { output: 'dictionary.json', build: dictionary });

// Data for the 数据字典 page: docs/data-dictionary.json (every table of core and marts with
// its grain and columns), as generated from the models — no snapshot. Only what the page
// shows is kept, in Chinese: the title, the grain and the column descriptions in Chinese, a
// column's type by name (文本, 日期…); the English of the file is for developers. Table and
// column names stay as they are: they are what an analyst types in SQL.
//
// Grain of the output: one JSON document; `tables` one entry per table, in the file's order.
import { readFileSync } from 'node:fs';
import { siteLoader } from '../../lib/loader.ts';

const DICTIONARY = new URL('../../../docs/data-dictionary.json', import.meta.url);

interface Table {
  table: string;
  title_zh: string;
  grain_zh: string;
  columns: Array<{ name: string; type: string; description_zh: string }>;
}

/** DuckDB's types as a reader names them; a list type is its element's 列表. */
const TYPE_NAMES: Record<string, string> = {
  VARCHAR: '文本',
  INTEGER: '整数',
  BIGINT: '整数',
  HUGEINT: '整数',
  DOUBLE: '小数',
  DATE: '日期',
  TIMESTAMP: '日期时间',
  BOOLEAN: '是/否',
  JSON: '结构化文本',
};

export function typeName(type: string): string {
  if (type.endsWith('[]')) return `${typeName(type.slice(0, -2))}列表`;
  if (/^DECIMAL\(\d+,\d+\)$/.test(type)) return '小数';
  const name = TYPE_NAMES[type];
  if (!name) throw new Error(`the data dictionary has a column of type ${type}, which has no Chinese name: add it to TYPE_NAMES in ${new URL(import.meta.url).pathname}`);
  return name;
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
    tables: parsed.tables.map(({ table, title_zh, grain_zh, columns }) => ({
      table,
      title_zh,
      grain_zh,
      columns: columns.map(({ name, type, description_zh }) => ({ name, type: typeName(type), description_zh })),
    })),
  };
}

export default await siteLoader(import.meta, { output: 'dictionary.json', build: dictionary });

/**
 * The data dictionary: every table and column of the reader-facing schemas (core, marts)
 * with its type — read from a warehouse the models built — and its grain, Chinese and
 * English description — from the models' headers (`-- grain:`, `-- grain_zh:`, `-- title:`,
 * `-- column:`, see model.ts). Rendered as Markdown for the repo and as JSON for the site.
 */
import type { Warehouse } from '../warehouse/connection.ts';
import type { Model } from './model.ts';

export const DICTIONARY_SCHEMAS = ['core', 'marts'] as const;

/** The JSON form (docs/data-dictionary.json). */
export interface Dictionary {
  schemas: string[];
  tables: DictionaryTable[];
}

export interface DictionaryTable {
  /** schema.name */
  table: string;
  schema: string;
  name: string;
  title_zh: string;
  title_en: string;
  grain: string;
  /** The grain in Chinese: what the site shows. */
  grain_zh: string;
  /** The SQL file that builds it, relative to the repository root. */
  model: string;
  columns: DictionaryColumn[];
}

export interface DictionaryColumn {
  name: string;
  /** DuckDB type, e.g. VARCHAR, DATE, DECIMAL(18,3), INTEGER[] */
  type: string;
  description_zh: string;
  description_en: string;
}

export const REGENERATE = 'npx safecampus dictionary';

export function modelFile(schema: string, name: string): string {
  return `transforms/models/${schema}/${name}.sql`;
}

/**
 * Joins the warehouse's core/marts columns with the models' descriptions. `problems`
 * names every table or column that lacks a description (or describes a column that is
 * not there), each with what to add where; the dictionary is only complete without them.
 */
export async function describeWarehouse(db: Warehouse, models: Model[]): Promise<{ dictionary: Dictionary; problems: string[] }> {
  const columns = await db.all<{ schema_name: string; table_name: string; column_name: string; data_type: string }>(
    `select schema_name, table_name, column_name, data_type from duckdb_columns()
     where database_name = current_database() and schema_name in (${DICTIONARY_SCHEMAS.map((s) => `'${s}'`).join(', ')})
     order by schema_name, table_name, column_index`,
  );
  const byTable = new Map<string, typeof columns>();
  for (const column of columns) {
    const id = `${column.schema_name}.${column.table_name}`;
    byTable.set(id, [...(byTable.get(id) ?? []), column]);
  }
  const problems: string[] = [];
  const tables: DictionaryTable[] = [];
  for (const [id, tableColumns] of byTable) {
    const { schema_name: schema, table_name: name } = tableColumns[0];
    const file = modelFile(schema, name);
    const model = models.find((m) => m.id === id);
    const docs = model?.docs;
    if (!model || !docs) {
      problems.push(`${id}: no SQL model ${file} describes this table; build it from a model with "-- title:" and "-- column:" header lines`);
      continue;
    }
    if (!docs.grainZh) problems.push(`${id}: no Chinese grain — add "-- grain_zh: <每…一行>" to ${file}`);
    if (!docs.title) problems.push(`${id}: no title — add "-- title: <中文表名> | <English name>" to ${file}`);
    for (const column of tableColumns) {
      if (!docs.columns.some((c) => c.name === column.column_name)) {
        problems.push(`${id}.${column.column_name}: no description — add "-- column: ${column.column_name} | <中文说明> | <English description>" to ${file}`);
      }
    }
    for (const described of docs.columns) {
      if (!tableColumns.some((c) => c.column_name === described.name)) {
        problems.push(`${id}.${described.name}: described in ${file} but the table has no such column — remove or rename that "-- column:" line`);
      }
    }
    tables.push({
      table: id,
      schema,
      name,
      title_zh: docs.title?.zh ?? '',
      title_en: docs.title?.en ?? '',
      grain: model.grain,
      grain_zh: docs.grainZh ?? '',
      model: file,
      columns: tableColumns.map((column) => {
        const doc = docs.columns.find((c) => c.name === column.column_name);
        return { name: column.column_name, type: column.data_type, description_zh: doc?.zh ?? '', description_en: doc?.en ?? '' };
      }),
    });
  }
  return { dictionary: { schemas: [...DICTIONARY_SCHEMAS], tables }, problems };
}

export function dictionaryJson(dictionary: Dictionary): string {
  return `${JSON.stringify(dictionary, null, 2)}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|');

export function dictionaryMarkdown(dictionary: Dictionary): string {
  const lines = [
    '# Data dictionary 数据字典',
    '',
    `Every table and column of the \`${DICTIONARY_SCHEMAS.join('` and `')}\` schemas, as published in every snapshot and`,
    'queried with `safecampus query`. Generated from the headers of the SQL models in `transforms/models/`',
    '(`-- grain:`, `-- grain_zh:`, `-- title:` and `-- column:` lines, see `transforms/model.ts`) and the column types of a warehouse those',
    `models built: do not edit by hand — edit the model and run \`${REGENERATE}\`, which also writes`,
    '`docs/data-dictionary.json` for the site. `test/analyst/dictionary.test.ts` fails when this file is out of date.',
    'Models declared `-- materialized: temporary` exist only while a transform runs and are not listed: the models',
    'that read them carry their numbers on (the nine `core.int_measures_*` into `core.int_indicator_points`).',
    '',
    '| table | 表 | 粒度 | grain |',
    '| --- | --- | --- | --- |',
    ...dictionary.tables.map((t) => `| [\`${t.table}\`](#${t.table.replace('.', '')}) | ${cell(t.title_zh)} | ${cell(t.grain_zh)} | ${cell(t.grain)} |`),
  ];
  for (const schema of dictionary.schemas) {
    lines.push('', `## ${schema}`);
    for (const table of dictionary.tables.filter((t) => t.schema === schema)) {
      lines.push(
        '',
        `### ${table.table}`,
        '',
        `**${cell(table.title_zh)}** — ${cell(table.title_en)}. 粒度：${cell(table.grain_zh)}。Grain: ${cell(table.grain)}. Model: [\`${table.model}\`](../${table.model}).`,
        '',
        '| column | type | 中文说明 | description |',
        '| --- | --- | --- | --- |',
        ...table.columns.map((c) => `| \`${c.name}\` | ${c.type} | ${cell(c.description_zh)} | ${cell(c.description_en)} |`),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

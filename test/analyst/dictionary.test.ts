/**
 * The generated data dictionary stays in sync with the models: a warehouse built from
 * the mini city must give exactly the checked-in docs/data-dictionary.md and .json, and
 * every core/marts column must be described in Chinese and English.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { loadModels, parseModel } from '../../transforms/runner.ts';
import { describeWarehouse, dictionaryJson, dictionaryMarkdown, REGENERATE, type Dictionary } from '../../transforms/dictionary.ts';
import type { Model } from '../../transforms/model.ts';
import { runCli, tempDir } from '../helpers.ts';
import { buildMiniCity } from './fixture.ts';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');
let db: Warehouse;
let models: Model[];
let dictionary: Dictionary;
let problems: string[];

beforeAll(async () => {
  db = await buildMiniCity(join(tempDir('safecampus-dictionary-'), 'warehouse.duckdb'));
  models = loadModels();
  ({ dictionary, problems } = await describeWarehouse(db, models));
});
afterAll(() => db.close());

describe('data dictionary', () => {
  it('describes every column of core and marts in Chinese and English', () => {
    expect(problems, `add the missing header lines, then run \`${REGENERATE}\``).toEqual([]);
    expect(dictionary.schemas).toEqual(['core', 'marts']);
  });

  it('gives every table its grain in Chinese (the 数据字典 page shows that one), the English kept beside it', () => {
    expect(dictionary.tables.length).toBe(27);
    expect(dictionary.tables.filter((t) => !/^每.*[\u4e00-\u9fff]/.test(t.grain_zh)).map((t) => t.table)).toEqual([]);
    expect(dictionary.tables.filter((t) => !t.grain.startsWith('one row per')).map((t) => t.table)).toEqual([]);
  });

  it('the checked-in docs/data-dictionary.md and .json are what the models generate', () => {
    const stale = `docs/data-dictionary.* is out of date with the models: run \`${REGENERATE}\` and commit the result`;
    expect(readFileSync(join(DOCS, 'data-dictionary.md'), 'utf8'), stale).toBe(dictionaryMarkdown(dictionary));
    expect(readFileSync(join(DOCS, 'data-dictionary.json'), 'utf8'), stale).toBe(dictionaryJson(dictionary));
  });

  it('reads the types from the built warehouse and the descriptions from the model header', () => {
    const units = dictionary.tables.find((t) => t.table === 'core.dim_units');
    expect(units).toMatchObject({ schema: 'core', name: 'dim_units', title_zh: '报告单位', title_en: 'reporting units', model: 'transforms/models/core/dim_units.sql' });
    expect(units?.grain).toBe('one row per reporting unit (county, district, functional zone, or 市直)');
    expect(units?.grain_zh).toBe('每个报告单位一行（县、区、功能区或市直）');
    expect(units?.columns.map((c) => [c.name, c.type])).toEqual([
      ['unit_code', 'VARCHAR'],
      ['unit_name', 'VARCHAR'],
      ['unit_pinyin', 'VARCHAR'],
      ['unit_kind', 'VARCHAR'],
      ['is_ranked', 'BOOLEAN'],
    ]);
    expect(units?.columns[4]).toEqual({
      name: 'is_ranked',
      type: 'BOOLEAN',
      description_zh: '是否参加排名（市直学校单列展示，不排名）',
      description_en: 'whether the unit is ranked (市直 is shown as its own group, not ranked)',
    });
  });

  it('names exactly which table or column lacks what, and where to add it', async () => {
    const edited = models.map((m) => {
      if (m.id === 'core.dim_units') return { ...m, docs: { grainZh: null, title: null, columns: m.docs!.columns.filter((c) => c.name !== 'unit_pinyin').concat({ name: 'unit_label', zh: '名', en: 'label' }) } };
      if (m.id === 'marts.unit_indicator_ranking') return { ...m, docs: undefined };
      return m;
    });
    expect((await describeWarehouse(db, edited)).problems).toEqual([
      'core.dim_units: no Chinese grain — add "-- grain_zh: <每…一行>" to transforms/models/core/dim_units.sql',
      'core.dim_units: no title — add "-- title: <中文表名> | <English name>" to transforms/models/core/dim_units.sql',
      'core.dim_units.unit_pinyin: no description — add "-- column: unit_pinyin | <中文说明> | <English description>" to transforms/models/core/dim_units.sql',
      'core.dim_units.unit_label: described in transforms/models/core/dim_units.sql but the table has no such column — remove or rename that "-- column:" line',
      'marts.unit_indicator_ranking: no SQL model transforms/models/marts/unit_indicator_ranking.sql describes this table; build it from a model with "-- title:" and "-- column:" header lines',
    ]);
  });

  it('refuses a malformed title or column line when the models load', () => {
    const model = (header: string) => parseModel('core', 'x', `-- grain: one row per x\n${header}\nwith final as (select 1 as a)\nselect * from final`);
    expect(model('-- grain_zh: 每个甲一行\n-- title: 甲 | a\n-- column: a | 甲列 | column a').docs).toEqual({
      grainZh: '每个甲一行',
      title: { zh: '甲', en: 'a' },
      columns: [{ name: 'a', zh: '甲列', en: 'column a' }],
    });
    expect(() => model('-- grain_zh: 每个甲一行\n-- grain_zh: 每个乙一行')).toThrow('model core.x has 2 "-- grain_zh:" lines; keep one');
    expect(() => model('-- column: a | 只有中文')).toThrow('model core.x: "-- column: a | 只有中文" must read "-- column: <name> | <中文说明> | <English description>"');
    expect(() => model('-- title: 甲')).toThrow('model core.x: "-- title: 甲" must read "-- title: <中文表名> | <English name>"');
    expect(() => model('-- column: a | 甲 | a\n-- column: a | 乙 | b')).toThrow('model core.x describes column a twice');
  });

  it('`safecampus dictionary --out DIR` writes the same files (types from a scratch warehouse of its own)', async () => {
    const out = tempDir('safecampus-dictionary-out-');
    const { code, stdout } = await runCli(['dictionary', '--out', out]);
    expect(code).toBe(0);
    const columns = dictionary.tables.reduce((n, t) => n + t.columns.length, 0);
    expect(stdout).toBe(`wrote ${join(out, 'data-dictionary.md')} and ${join(out, 'data-dictionary.json')}: ${dictionary.tables.length} tables, ${columns} columns\n`);
    expect(readFileSync(join(out, 'data-dictionary.md'), 'utf8')).toBe(dictionaryMarkdown(dictionary));
    expect(readFileSync(join(out, 'data-dictionary.json'), 'utf8')).toBe(dictionaryJson(dictionary));
  });
});

import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { columns, gzipJson } from '../../dashboards/lib/gzip.ts';
import { gunzipJson, rowsOf } from '../../dashboards/src/components/gzip.js';

const rows = [
  { school: 2, score: 90, grade: '优秀', rank: 2, veto_reason: null },
  { school: 0, score: 78.5, grade: '合格', rank: null, veto_reason: 'V1 发生死亡事故（AJ-9）' },
];

describe('columns and rowsOf', () => {
  it('turns rows into one array per key, in the order of the keys given, and back', () => {
    const table = columns(rows, ['school', 'score', 'grade', 'rank', 'veto_reason']);
    expect(table).toEqual({
      school: [2, 0],
      score: [90, 78.5],
      grade: ['优秀', '合格'],
      rank: [2, null],
      veto_reason: [null, 'V1 发生死亡事故（AJ-9）'],
    });
    expect(Object.keys(table)).toEqual(['school', 'score', 'grade', 'rank', 'veto_reason']);
    expect(rowsOf(table)).toEqual(rows);
  });

  it('keeps every column for no rows, and rowsOf gives no rows for no columns', () => {
    expect(columns([], ['school', 'score'])).toEqual({ school: [], score: [] });
    expect(rowsOf({ school: [], score: [] })).toEqual([]);
    expect(rowsOf({})).toEqual([]);
  });
});

describe('gzipJson and gunzipJson', () => {
  it('writes gzip that zlib inflates to the JSON text, and the page helper reads back the same value', async () => {
    const value = { unit: { unit_code: '411002', unit_name: '魏都区' }, schools: columns(rows, ['school', 'score']) };
    const bytes = gzipJson(value);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(bytes).toString('utf8')).toBe('{"unit":{"unit_code":"411002","unit_name":"魏都区"},"schools":{"school":[2,0],"score":[90,78.5]}}');
    expect(await gunzipJson(bytes)).toEqual(value);
  });
});

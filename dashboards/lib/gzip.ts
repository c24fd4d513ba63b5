// Gzip-compressed JSON for loaders whose output grows with the number of schools (the 学校,
// 县区评分卡, 隐患治理 and 事故案件 pages): JSON of many similar rows shrinks 5–10×. The
// browser inflates it with src/components/gzip.js; checkUnitScope reads it inflated
// (readOutputText).
import { gzipSync } from 'node:zlib';

/** A JSON value as gzip-compressed UTF-8 bytes (level 9: built once, downloaded many times). */
export const gzipJson = (value: unknown): Buffer => gzipSync(JSON.stringify(value), { level: 9 });

/**
 * Rows as columns, `{key: [value of each row]}`: a key is written once rather than once per
 * row, and a column of like values compresses well. `keys` fixes the columns, so no rows
 * still gives every column (empty).
 */
export function columns<K extends string>(rows: ReadonlyArray<{ [key in K]?: unknown }>, keys: readonly K[]): Record<K, unknown[]> {
  return Object.fromEntries(keys.map((key) => [key, rows.map((row) => row[key])])) as Record<K, unknown[]>;
}

// Data files the site compresses itself (the 学校 page's index and buckets, the 县区评分卡
// data): gzip-compressed JSON, inflated in the page by components/gzip.js.
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

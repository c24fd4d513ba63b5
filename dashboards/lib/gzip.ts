// Gzip-compressed JSON for loaders whose output grows with the number of schools (the 学校,
// 隐患治理 and 事故案件 pages): JSON of many similar rows shrinks 5–10×. The browser
// inflates it with src/components/gzip.js; checkUnitScope reads it inflated (readOutputText).
import { gzipSync } from 'node:zlib';

/** The JSON text of `value`, gzip-compressed at the highest level. */
export function gzipJson(value: unknown): Buffer {
  return gzipSync(JSON.stringify(value), { level: 9 });
}

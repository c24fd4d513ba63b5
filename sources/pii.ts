/**
 * Student PII (DOMAIN.md §6): which columns hold it, the salt for hashing ID numbers,
 * and masking for text that may carry it (a reject's raw line, a message listing a
 * headerless file's first row).
 *
 * The salt lives beside the warehouse (or in SAFECAMPUS_PII_SALT), never inside it, so
 * the hashes in the warehouse cannot be reversed by trying every ID number from the
 * warehouse alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function piiSalt(warehousePath: string): string {
  if (process.env.SAFECAMPUS_PII_SALT) return process.env.SAFECAMPUS_PII_SALT;
  const file = join(dirname(warehousePath), '.pii-salt');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

/** Headers that name personal data even when the contract does not know the column. */
const PII_HEADER = /姓名|身份证|证件号|电话|手机|联系方式|住址|phone|mobile|idcard|id_?number|student_?name|guardian/i;

export function isPiiHeader(header: string): boolean {
  return PII_HEADER.test(header);
}

export const MASK = '***';

/** 18-character resident ID numbers and 11-digit mainland mobile numbers, not inside longer digit runs. */
const ID_NUMBER = '\\d{17}[\\dXx]';
const MOBILE = '1[3-9]\\d{9}';
const PII_VALUE = new RegExp(`(^|\\D)(?:${ID_NUMBER}|${MOBILE})(?=\\D|$)`, 'g');

export function maskPiiText(text: string): string {
  return text.replace(PII_VALUE, `$1${MASK}`);
}

/** SQL for `maskPiiText` over a text expression. */
export function maskPiiTextSql(expression: string): string {
  return `regexp_replace(${expression}, '(^|[^0-9])(?:${ID_NUMBER}|${MOBILE})([^0-9]|$)', '\\1${MASK}\\2', 'g')`;
}

const regexEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * SQL masking one delimited line that could not be parsed: the fields at PII positions,
 * and every field past the header (whose meaning is unknown), become ***. Fields are
 * split quote-aware; after an unterminated quote the rest of the line is one field.
 */
export function maskDelimitedLineSql(line: string, delimiter: string, headers: string[], piiHeaders: Set<string>): string {
  const d = regexEscape(delimiter);
  const field = `("(?:[^"]|"")*"|"[\\s\\S]*|[^${d}]*)`;
  const fields = `regexp_extract_all(${lit(delimiter)} || ${line}, ${lit(`${d}${field}`)}, 1)`;
  const pii = headers.flatMap((h, i) => (piiHeaders.has(h) || isPiiHeader(h) ? [i + 1] : []));
  const keep = `(i <= ${headers.length}${pii.length ? ` and i not in (${pii.join(', ')})` : ''})`;
  return maskPiiTextSql(`array_to_string(list_transform(${fields}, (f, i) -> case when ${keep} or f = '' then f else '${MASK}' end), ${lit(delimiter)})`);
}

/** SQL masking one JSON line that could not be parsed: the values of PII keys become "***". */
export function maskJsonLineSql(line: string, keys: string[], piiKeys: Set<string>): string {
  const pii = keys.filter((k) => piiKeys.has(k) || isPiiHeader(k));
  const masked = pii.length
    ? `regexp_replace(${line}, ${lit(`("(?:${pii.map((k) => regexEscape(JSON.stringify(k).slice(1, -1))).join('|')})"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"?|[^,}\\s]*)`)}, '\\1"${MASK}"', 'g')`
    : line;
  return maskPiiTextSql(masked);
}

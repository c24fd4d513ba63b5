/**
 * Student PII (DOMAIN.md §6): which columns hold it, the salt for hashing ID numbers,
 * and masking for text that may carry it (a reject's raw line, a message listing a
 * headerless file's first row, free text someone typed a student's details into).
 *
 * The salt lives beside the warehouse (or in SAFECAMPUS_PII_SALT), never inside it, so
 * the hashes in the warehouse cannot be reversed by trying every ID number from the
 * warehouse alone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function piiSalt(warehousePath: string): string {
  if (process.env.SAFECAMPUS_PII_SALT) return process.env.SAFECAMPUS_PII_SALT;
  const file = saltFile(warehousePath);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

/** The salt a warehouse already has, for a process that must never make one (a parse worker); null when there is none. */
export function existingPiiSalt(warehousePath: string): string | null {
  if (process.env.SAFECAMPUS_PII_SALT) return process.env.SAFECAMPUS_PII_SALT;
  const file = saltFile(warehousePath);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** Tells two salts apart without revealing either (the salt is 32 random bytes: its hash gives nothing away). */
export function saltFingerprint(salt: string): string {
  return createHash('sha256').update(`safecampus pii salt\n${salt}`).digest('hex').slice(0, 16);
}

function saltFile(warehousePath: string): string {
  return join(dirname(warehousePath), '.pii-salt');
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

/** What a masked ID number, mobile number and name read as in free text. */
export const ID_NUMBER_MASK = '[身份证号]';
export const MOBILE_MASK = '[手机号]';

/** A name as free text shows it once masked: its first character, then one * for each other (张小明 → 张**). */
export function maskedName(name: string): string {
  const chars = [...name];
  return chars[0] + '*'.repeat(chars.length - 1);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A resident ID number (GB 11643): 18 characters whose last is the check digit of the first
 * 17 (0–9 or X), or the 15-digit form of before 1999, whose 7th–12th digits are a real
 * date (yymmdd, 19xx). An 18-digit number with a wrong check digit is taken for something
 * else (an order or device number): one in eleven passes by chance, the others do not.
 */
export function isIdNumber(text: string): boolean {
  if (/^\d{17}[\dXx]$/.test(text)) {
    const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(text[i]), 0);
    return '10X98765432'[sum % 11] === text[17].toUpperCase();
  }
  if (!/^\d{15}$/.test(text)) return false;
  const [y, m, d] = [Number(`19${text.slice(6, 8)}`), Number(text.slice(8, 10)), Number(text.slice(10, 12))];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A mainland mobile number, whole or in groups (138 1234 5678, 138-1234-5678), maybe after +86, not inside a longer number. */
const MOBILE_IN_TEXT = '(^|[^0-9])(?:\\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}([^0-9]|$)';

/**
 * SQL masking, in a text expression, what identifies a person:
 * resident ID numbers (`isIdNumber`, among the text's runs of digits) as [身份证号], mobile
 * numbers as [手机号], and each of `names` as `maskedName` gives it. Each step looks only
 * at text that can hold what it masks, so text without any costs a pattern match or two.
 */
export function maskPersonalTextSql(x: string, names: string[]): string {
  // lambda parameters are named pii_* so that no file column of the same name is shadowed;
  // a one-element list_transform names a value once instead of repeating its expression
  // a replacement consumes the character after the number, so one number right after another
  // is caught by a second pass
  const mobiles = (t: string) => `regexp_replace(${t}, '${MOBILE_IN_TEXT}', '\\1${MOBILE_MASK}\\2', 'g')`;
  const isId = `case length(pii_c)
      when 18 then '10X98765432'[cast(list_sum(list_transform(range(1, 18), pii_i -> cast(pii_c[pii_i] as integer) * ${JSON.stringify(ID_WEIGHTS)}[pii_i])) % 11 as bigint) + 1] = upper(pii_c[18])
      when 15 then try_strptime('19' || pii_c[7:12], '%Y%m%d') is not null
      else false end`;
  const ids = `case when regexp_matches(pii_t, '[0-9]{15}')
      then list_reduce(list_prepend(pii_t, list_filter(regexp_extract_all(pii_t, '[0-9]+[Xx]?'), pii_c -> ${isId})), (pii_acc, pii_c) -> replace(pii_acc, pii_c, '${ID_NUMBER_MASK}'))
      else pii_t end`;
  // every ID and mobile number holds 11 digits, maybe in groups: text without them costs one match
  const numbers = `case when regexp_matches(${x}, '[0-9]{3}[- ]?[0-9]{4}[- ]?[0-9]{4}') then list_transform([${mobiles(mobiles(x))}], pii_t -> ${ids})[1] else ${x} end`;
  if (names.length === 0) return numbers;
  // longest first: 张小明 before a 张小 that is a name too
  const sorted = [...new Set(names)].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const list = `[${sorted.map(lit).join(', ')}]`;
  // one pattern per 500 names tells cheaply whether any is there at all
  const anyName = Array.from({ length: Math.ceil(sorted.length / 500) }, (_, i) =>
    `regexp_matches(pii_m, ${lit(sorted.slice(i * 500, (i + 1) * 500).map(regexEscape).join('|'))})`,
  ).join(' or ');
  return `list_transform([${numbers}], pii_m -> case when ${anyName}
      then list_reduce(list_prepend(pii_m, list_filter(${list}, pii_n -> contains(pii_m, pii_n))), (pii_acc, pii_n) -> replace(pii_acc, pii_n, left(pii_n, 1) || repeat('*', length(pii_n) - 1)))
      else pii_m end)[1]`;
}

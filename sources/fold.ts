/**
 * Full-width forms as their ASCII twins: Chinese input methods and Excel's "全角" write
 * digits, letters and punctuation as U+FF01–FF5E (２１４１，ＹＧ，２０２５－０１－０５) and
 * spaces as U+3000. A typed value (a code, a number, a date, a yes/no, an enumeration) is
 * folded before it is read; free text keeps what the clerk typed. One table serves the SQL
 * that folds cells and the code that folds alias spellings, so both sides always agree.
 */
const WIDE = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0xff01 + i)).join('') + '\u3000';
const NARROW = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('') + ' ';

const NARROW_OF = new Map([...WIDE].map((ch, i) => [ch, NARROW[i]]));

export function foldWidth(text: string): string {
  let out = '';
  for (const ch of text) out += NARROW_OF.get(ch) ?? ch;
  return out;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** A regular expression (RE2) matching any character `foldWidthSql` changes. */
export const WIDE_CHARACTER = '[\\x{FF01}-\\x{FF5E}\\x{3000}]';

/**
 * SQL folding a text expression the same way. DuckDB's translate costs about 8 µs a cell, so it
 * runs only on a cell that holds a full-width form (the test costs about a tenth of that).
 */
export function foldWidthSql(x: string): string {
  return `case when regexp_matches(${x}, '${WIDE_CHARACTER}') then translate(${x}, ${literal(WIDE)}, ${literal(NARROW)}) else ${x} end`;
}

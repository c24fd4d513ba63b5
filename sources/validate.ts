/**
 * Row validation generated from the contract: one streaming query over the reader's
 * relation types every text cell (dates in all their styles, enums through their aliases,
 * school codes repaired when unambiguous, unknown codes through the same lookup join) and
 * gives every failure the first applicable reason code and a Chinese/English message.
 * The ingest streams its good rows straight into raw and runs it again only over the rows
 * that did not land, for their reasons. Exact duplicate rows (every cell as received) are
 * rejected after the first: landed rows that share a row hash (md5 of the cells, a 16-byte
 * number) are looked at again, cell by cell, only when there are any (a row that fails a
 * check fails it like every identical row, so only good rows can repeat). Runs inside
 * DuckDB, so a million rows validate at scan speed. Rows with no value at all are not rows.
 */
import type { ColumnContract, SourceContract } from './contract.ts';
import { SCHOOL_TYPES } from './contracts.ts';
import type { HeaderMapping } from './detect.ts';
import { foldWidthSql, WIDE_CHARACTER } from './fold.ts';
import { isPiiHeader, MASK, maskDelimitedLineSql, maskJsonLineSql } from './pii.ts';
import { quoteIdent, sqlString as lit, type OpenedFile } from './readers.ts';
import type { Warehouse } from '../warehouse/connection.ts';
import { storedColumn } from './raw-tables.ts';

/** A code that lost leading digits keeps at least this many (shorter ones match too much to trust). */
const MIN_SHORT_CODE = 6;

export interface ValidationInput {
  contract: SourceContract;
  mapping: HeaderMapping;
  /** Prefix of the temp tables validation creates (lookups, duplicates). */
  name: string;
  /** The file's headers in file order (raw content keeps that order); mapped then extra when absent. */
  headers?: string[];
  /** Query of the known school codes (column school_code); the schools source adds its own. */
  knownSchools: string;
  /** Ingest clock, 'YYYY-MM-DD HH:MM:SS' Asia/Shanghai; anything later is a future date. */
  now: string;
  /** Salt for PII hashes (never stored in the warehouse). */
  piiSalt: string;
  /** The file's report date ('YYYY-MM-DD'), the value of a `derivedFrom: 'as_of'` column the file lacks. */
  asOf?: string | null;
}

interface Check {
  reason: string;
  when: string;
  message: string;
}

const cell = (column: ColumnContract) => quoteIdent(`c__${column.name}`);
const typed = (column: ColumnContract) => quoteIdent(`v__${column.name}`);
/** The known code a school code cell stands for, null when the lookup does not know it. */
const looked = (column: ColumnContract) => quoteIdent(`l__${column.name}`);
const codesTable = (input: ValidationInput) => `${input.name}_codes`;

/**
 * The lookups validation joins with, as temp tables named after `input.name`: the known
 * school codes, and every cell that stands for one of them (the code itself, and every
 * suffix of MIN_SHORT_CODE..9 digits that only one known code ends with). A registry's own
 * codes count too: its later rows may repair against its earlier ones.
 */
export async function prepareLookups(db: Warehouse, input: ValidationInput, relation: string): Promise<void> {
  const codes = codesTable(input);
  let own = '';
  const codeHeader = input.contract.source === 'schools' ? input.mapping.columns.get('school_code') : undefined;
  if (codeHeader !== undefined) {
    const code = withoutDecimalZeros(trimmed(quoteIdent(codeHeader), true));
    own = ` union select ${code} from ${relation} where regexp_full_match(${code}, '\\d{10}')`;
  }
  await db.run(`create or replace temp table ${codes}_known as ${input.knownSchools}${own}`);
  await db.run(
    `create or replace temp table ${codes} as
     select school_code as cell, school_code from ${codes}_known
     union all
     select cell, min(school_code) from (select right(school_code, n) as cell, school_code from ${codes}_known, range(${MIN_SHORT_CODE}, 10) r(n))
     group by cell having count(*) = 1`,
  );
}

/**
 * Exact duplicates among the good rows landed from `relation`: `landed` is a query of their
 * `_row` and `row_hash`. Rows sharing a hash are read again with their cells, and the cells
 * decide. Returns a temp table (`_row`, `raw_json`) of every row that repeats an earlier
 * one, or null when no two rows share a hash.
 */
export async function duplicateRows(db: Warehouse, input: ValidationInput, relation: string, landed: string): Promise<string | null> {
  const files = fileColumns(input);
  const table = `${input.name}_dups`;
  await db.run(
    `create or replace temp table ${table}_repeats as
     select row_hash, min(_row) as first_row from (${landed}) group by row_hash having count(*) > 1`,
  );
  if ((await db.value<number>(`select count(*) from ${table}_repeats`)) === 0) return null;
  const sameCells = files.map((h) => `a.${quoteIdent(h)} is not distinct from b.${quoteIdent(h)}`).join(' and ') || 'true';
  await db.run(
    `create or replace temp table ${table} as
     with candidates as (
       select l._row, r.first_row from (${landed}) l join ${table}_repeats r using (row_hash) where l._row > r.first_row),
     cells as materialized (
       select * from ${relation} where _row in (select _row from candidates union all select first_row from candidates))
     select a._row, cast(${rawJson(input, (h) => `a.${quoteIdent(h)}`)} as varchar) as raw_json
     from candidates join cells a on a._row = candidates._row join cells b on b._row = candidates.first_row
     where ${sameCells}`,
  );
  return table;
}

export const DUPLICATE_MESSAGE = '与文件中前面的一行完全相同（exact duplicate of an earlier row）';

/**
 * The streaming query over `relation` (`_row` plus one VARCHAR column per header): every
 * row typed and checked, duplicates aside. Columns: `_row`, one typed column per contract
 * column, `extra`, `reason_code`, and `row_hash` for a good row or `reason_message` and
 * `raw_json` for a rejected one. Needs the lookups of `prepareLookups`.
 */
export function checkedRowsSql(input: ValidationInput, relation: string, options: { withoutSummaryRows?: boolean } = {}): string {
  const codes = codesTable(input);
  const { contract, mapping } = input;
  const joins: string[] = [];
  const typedColumns: string[] = [];
  const lookedUpColumns: string[] = [];
  const checks: Check[] = [];

  for (const column of contract.columns) {
    if (column.required && !derivedFromCode(column, mapping)) {
      checks.push({ reason: 'missing_required', when: `${cell(column)} is null`, message: lit(`缺少必填字段“${column.zh}”（${column.name} is required）`) });
    }
  }
  for (const group of contract.oneOf ?? []) {
    const columns = group.map((name) => contract.columns.find((c) => c.name === name)!);
    checks.push({
      reason: 'missing_one_of',
      when: columns.map((column) => `${cell(column)} is null`).join(' and '),
      message: lit(`“${columns.map((c) => c.zh).join('”或“')}”至少应填写一项（one of ${group.join(', ')} is required）`),
    });
  }
  const derivedColumns: string[] = [];
  contract.columns.forEach((column, index) => {
    if (derivedFromCode(column, mapping)) {
      const { expression, columnChecks } = schoolTypeFromCode(column, contract);
      derivedColumns.push(`${expression} as ${typed(column)}`);
      checks.push(...columnChecks);
      return;
    }
    const { expression, columnChecks, join, lookup } = typedValue(column, index, input, codes);
    // typed before the lookup joins: the optimizer copies a value's expression into every check
    // that reads it unless a join stands between them
    (join ? lookedUpColumns : typedColumns).push(`${expression} as ${typed(column)}`);
    if (lookup) lookedUpColumns.push(lookup);
    checks.push(...columnChecks);
    if (join) joins.push(join);
  });

  const cells = contract.columns.map((column) => `${landingCell(column, input)} as ${cell(column)}`);
  const files = fileColumns(input);
  const piiHeaders = piiHeadersOf(contract, mapping);
  // masked like raw: a hash over a student's ID number would be reversible by trying candidates
  const masked = (h: string) => (piiHeaders.has(h) ? `case when ${fileCell(h)} is null then null else '${MASK}' end` : fileCell(h));
  const rowHash = `md5_number(concat_ws(chr(31), ${files.map((h) => `coalesce(${masked(h)}, chr(30))`).join(', ') || "''"}))`;
  const keptExtras = mapping.extras.filter((h) => !piiHeaders.has(h));
  const extra = keptExtras.length ? `json_object(${keptExtras.map((h) => `${lit(h)}, ${quoteIdent(h)}`).join(', ')})` : 'cast(null as json)';
  const reasonCase = `case ${checks.map((c) => `when ${c.when} then ${lit(c.reason)}`).join(' ')} end`;
  const messageCase = `case ${checks.map((c) => `when ${c.when} then ${c.message}`).join(' ')} end`;

  return `
    with cells as (
      select _row, ${cells.join(', ')}, ${files.map((h) => `${quoteIdent(h)} as ${fileCell(h)}, `).join('')}${extra} as extra
      from ${relation}
      where ${anyValue(files)}${options.withoutSummaryRows ? ` and not ${summaryRowSql(files)}` : ''}
    ),
    typed as (
      select ${['cells.*', ...typedColumns].join(', ')}
      from cells
    ),
    looked_up as (
      select ${['typed.*', ...lookedUpColumns].join(', ')}
      from typed ${joins.join(' ')}
    ),
    derived as (
      select *${derivedColumns.map((d) => `, ${d}`).join('')} from looked_up
    ),
    checked as (
      select *, ${reasonCase} as reason_code from derived
    )
    select _row, ${contract.columns.map(typed).join(', ')}, extra, reason_code,
           case when reason_code is null then ${rowHash} end as row_hash,
           case when reason_code is not null then ${messageCase} end as reason_message,
           case when reason_code is not null then cast(${rawJson(input, fileCell)} as varchar) end as raw_json
    from checked`;
}

const SPACE = '[\\s\\x{a0}\\x{3000}]*';
const SUMMARY_LABEL = `${SPACE}[合总小共]${SPACE}计${SPACE}[:：]?${SPACE}`;

/**
 * A summary row (合计, 总计, 小计, 共计 in some cell, spaces and a colon aside): the totals a
 * clerk adds at the bottom of a sheet, which are not records. Such a row carries no school or
 * record of its own, so it never passes validation; the ingest looks for it only among the rows
 * that did not land, and skips and counts it instead of rejecting it.
 */
export function summaryRowSql(files: string[]): string {
  if (!files.length) return 'false';
  return `coalesce(${files.map((h) => `(contains(${quoteIdent(h)}, '计') and regexp_full_match(${quoteIdent(h)}, '${SUMMARY_LABEL}'))`).join(' or ')}, false)`;
}

/** Readers give an empty cell as null; a row of spaces is kept (and fails missing_required). */
function anyValue(files: string[]): string {
  return files.length ? `coalesce(${files.map(quoteIdent).join(', ')}) is not null` : 'false';
}

function fileColumns(input: ValidationInput): string[] {
  return input.headers ?? [...input.mapping.columns.values(), ...input.mapping.extras];
}

// the file's own columns travel as f__<header>, so a header can never clash with a name used here
const fileCell = (h: string) => quoteIdent(`f__${h}`);

/** A row's cells as received (`ref` names a header's column), as JSON in file order, student PII masked. */
function rawJson(input: ValidationInput, ref: (header: string) => string): string {
  const pii = piiHeadersOf(input.contract, input.mapping);
  const value = (h: string) => (pii.has(h) ? `case when ${ref(h)} is null then null else '${MASK}' end` : ref(h));
  return `json_object(${fileColumns(input).map((h) => `${lit(h)}, ${value(h)}`).join(', ') || "'_', null"})`;
}

/**
 * The landing table's cell for a contract column: trimmed, blank as null, full-width forms
 * folded unless it is free text; the file's report date for an as-of column the file lacks;
 * null when the file lacks the column.
 */
function landingCell(column: ColumnContract, input: ValidationInput): string {
  const header = input.mapping.columns.get(column.name);
  if (header !== undefined) return trimmed(quoteIdent(header), column.type !== 'text');
  if (column.derivedFrom === 'as_of' && input.asOf) return `cast(${lit(input.asOf)} as varchar)`;
  return 'cast(null as varchar)';
}

/**
 * A first or last character DuckDB's `trim` removes: it removes the Unicode space separators
 * (Zs); this matches all of Z and U+180E (a Zs before Unicode 6.3) too, so a newer Unicode table
 * on either side can only send more cells the slow way (test/sources/values.test.ts checks it).
 */
export const SPACE_AT_AN_END = '^[\\p{Z}\\x{180E}]|[\\p{Z}\\x{180E}]$';

/**
 * `nullif(trim(x), '')`, without paying for trim where it cannot change anything: in ASCII
 * text trim removes only spaces, so an ASCII cell that neither starts nor ends with one is
 * kept as is (trim costs about ten times the checks); a cell with other characters (Chinese)
 * is kept as is when one regular expression finds no space at either end and, with `fold`, no
 * full-width form (trim and the fold's own test cost about three times that). Other cells lose
 * their spaces at both ends, the no-break and ideographic ones too, and with `fold` their
 * full-width forms.
 */
export function trimmed(x: string, fold: boolean): string {
  const slow = fold ? `trim(${foldWidthSql(x)})` : `trim(${x})`;
  const untouched = fold ? `${SPACE_AT_AN_END}|${WIDE_CHARACTER}` : SPACE_AT_AN_END;
  return `case when strlen(${x}) = length(${x}) and not starts_with(${x}, ' ') and not ends_with(${x}, ' ') then nullif(${x}, '')
    when not regexp_matches(${x}, '${untouched}') then nullif(${x}, '') else nullif(${slow}, '') end`;
}

/** True when the file lacks a column that is derived from the school code. */
function derivedFromCode(column: ColumnContract, mapping: HeaderMapping): boolean {
  return column.derivedFrom === 'school_type_from_code' && !mapping.columns.has(column.name);
}

/** A school's type from its code's first two digits (DOMAIN.md §3), for a registry without a type column. */
function schoolTypeFromCode(column: ColumnContract, contract: SourceContract): { expression: string; columnChecks: Check[] } {
  const code = typed(contract.columns.find((c) => c.type === 'school_code')!);
  const byPrefix = SCHOOL_TYPES.flatMap((t) => t.aliases.filter((a) => /^\d{2}$/.test(a)).map((prefix) => `when ${lit(prefix)} then ${lit(t.value)}`));
  return {
    expression: `case left(${code}, 2) ${byPrefix.join(' ')} end`,
    columnChecks: [
      {
        reason: 'bad_enum',
        when: `${code} is not null and ${typed(column)} is null`,
        message: `${lit(`文件没有“${column.zh}”列，学校标识码的前两位也不是学校类型代码：“`)} || ${code} || ${lit('”（no school type column, and the code does not start with a type code 11/21/31/34/36/51: add the type column）')}`,
      },
    ],
  };
}

/** Excel's scientific display of a long number (2.141E+09): the digits past the mantissa are gone. */
const scientific = (c: string) => `regexp_full_match(${c}, '[0-9](\\.[0-9]+)?[eE]\\+?[0-9]+')`;

function scientificCheck(column: ColumnContract, c: string, label: string): Check {
  return {
    reason: 'scientific_notation',
    when: `${c} is not null and ${typed(column)} is null and ${scientific(c)}`,
    message: `${lit(`${label}是科学计数法“`)} || ${c} || ${lit('”，位数已丢失，无法还原（a code in scientific notation has lost digits and is never guessed: format the column as text in Excel, re-enter or re-export the codes）')}`,
  };
}

function typedValue(
  column: ColumnContract,
  index: number,
  input: ValidationInput,
  codes: string,
): { expression: string; columnChecks: Check[]; join?: string; lookup?: string } {
  const c = cell(column);
  const label = `“${column.zh}”（${column.name}）`;
  const shown = (text: string) => `${lit(text)} || ${c} || ${lit('”')}`;
  switch (column.type) {
    case 'text': {
      if (column.pii === 'hash') {
        return { expression: `case when ${c} is null then null else sha256(${lit(input.piiSalt)} || upper(regexp_replace(${c}, '\\s', '', 'g'))) end`, columnChecks: [] };
      }
      return { expression: c, columnChecks: [] };
    }
    case 'school_code': {
      // one join with a small lookup (known codes and their unambiguous suffixes); the
      // regular expression runs only for cells the lookup does not know
      const alias = `code_${index}`;
      const digits = withoutDecimalZeros(c);
      const expression = `coalesce(${alias}.school_code, case when regexp_full_match(${digits}, '\\d{10}') then ${digits} end)`;
      const join = `left join ${codes} ${alias} on ${alias}.cell = ${digits}`;
      const lookup = `${alias}.school_code as ${looked(column)}`;
      const checks: Check[] = [
        scientificCheck(column, c, label),
        {
          reason: 'bad_school_code',
          when: `${c} is not null and ${typed(column)} is null`,
          message: `${shown(`${label}不是10位学校标识码，也无法唯一补全：“`)} || ${lit('（not a 10-digit school code, and no single registered code ends with it: correct the code in the source system）')}`,
        },
      ];
      if (input.contract.source !== 'schools' || column.name !== 'school_code') {
        checks.push({
          reason: 'unknown_school',
          // the lookup holds every known code, so a code it does not know is unknown
          when: `${typed(column)} is not null and ${looked(column)} is null`,
          message: `${shown(`${label}在学校名录中不存在：“`)} || ${lit('（unknown school: land the schools export first or correct the code）')}`,
        });
      }
      return { expression, columnChecks: checks, join, lookup };
    }
    case 'unit_code': {
      // its code, its name (with or without the city) or a 行政区划代码 whose first six digits are its code
      const alias = `unit_${index}`;
      const digits = withoutDecimalZeros(c);
      const spelling = `lower(case when regexp_full_match(${digits}, '\\d{9}|\\d{12}') then left(${digits}, 6) else ${digits} end)`;
      return {
        expression: `${alias}.unit_code`,
        join: `left join ref.unit_spellings ${alias} on ${alias}.spelling = ${spelling}`,
        columnChecks: [
          scientificCheck(column, c, label),
          {
            reason: 'unknown_unit',
            when: `${c} is not null and ${typed(column)} is null`,
            message: `${shown(`${label}不是已知的县区：“`)} || ${lit('（unknown unit: write its code, name or 行政区划代码 as in data/reference/units.csv, or add the spelling to data/reference/aliases.csv）')}`,
          },
        ],
      };
    }
    case 'integer':
    case 'number': {
      const n = `try_cast(replace(${c}, ',', '') as double)`;
      const bad = column.type === 'integer' ? `(${n} is null or ${n} <> floor(${n}))` : `${n} is null`;
      const checks: Check[] = [
        { reason: 'bad_number', when: `${c} is not null and ${bad}`, message: `${shown(`${label}不是有效数字：“`)} || ${lit('（not a number）')}` },
      ];
      const bounds = [column.min !== undefined ? `${n} < ${column.min}` : null, column.max !== undefined ? `${n} > ${column.max}` : null].filter(Boolean);
      if (bounds.length) {
        checks.push({
          reason: 'out_of_range',
          when: `${c} is not null and (${bounds.join(' or ')})`,
          message: `${shown(`${label}超出合理范围[${column.min ?? '-∞'}, ${column.max ?? '∞'}]：“`)} || ${lit('（value out of range）')}`,
        });
      }
      // try_cast: an absurd value (out_of_range) must not abort the whole statement
      return { expression: column.type === 'integer' ? `try_cast(${n} as integer)` : n, columnChecks: checks };
    }
    case 'date':
    case 'datetime': {
      const t = timestampSql(c);
      const earliest = column.earliest ?? input.contract.earliestDate;
      const expression = column.type === 'date' ? `cast(${t} as date)` : t;
      const limit = column.type === 'date' ? `cast(${lit(input.now)} as timestamp)::date` : `cast(${lit(input.now)} as timestamp)`;
      return {
        expression,
        columnChecks: [
          { reason: 'bad_date', when: `${c} is not null and ${typed(column)} is null`, message: `${shown(`${label}无法识别的日期：“`)} || ${lit('（unreadable date）')}` },
          {
            reason: 'early_date',
            when: `${typed(column)} < date ${lit(earliest)}`,
            message: `${shown(`${label}早于 ${earliest}，不是可信的日期：“`)} || ${lit(`（date before ${earliest}: a typo or a placeholder, correct it in the source system）`)}`,
          },
          { reason: 'future_date', when: `${typed(column)} > ${limit}`, message: `${shown(`${label}是未来日期：“`)} || ${lit('（date in the future）')}` },
        ],
      };
    }
    case 'boolean': {
      const alias = `enum_${index}`;
      return {
        expression: `case ${enumValue(alias)} when '是' then true when '否' then false end`,
        join: enumJoin(alias, input, column, c),
        columnChecks: [
          { reason: 'bad_enum', when: `${c} is not null and ${typed(column)} is null`, message: `${shown(`${label}应为“是”或“否”：“`)} || ${lit('（expected yes/no）')}` },
        ],
      };
    }
    case 'enum': {
      const alias = `enum_${index}`;
      const allowed = (column.enum ?? []).map((e) => e.value).join('、');
      return {
        expression: enumValue(alias),
        join: enumJoin(alias, input, column, c),
        columnChecks: [
          {
            reason: 'bad_enum',
            when: `${c} is not null and ${typed(column)} is null`,
            message: `${shown(`${label}不是允许的取值（${allowed}）：“`)} || ${lit('（value not in the enumeration）')}`,
          },
        ],
      };
    }
  }
}

/**
 * The lookup of a cell among the spellings of its column's values (ref.enum_aliases: the contract's
 * and the bureau's, stored lower-cased), in two joins: the cell as it is among the spellings that
 * DuckDB's lower leaves as they are, then, only for a cell that found none there, the cell
 * lower-cased (lower costs about 0.1 µs a Chinese cell: 0.3 s of CPU over a 2 M-row sensors
 * file; the first join finds nearly every cell). The same match as joining `lower(cell)` alone: a cell equal
 * to such a spelling lower-cases to it. `enumValue` reads the value found.
 */
function enumJoin(alias: string, input: ValidationInput, column: ColumnContract, c: string): string {
  const of = (a: string) => `${a}.source = ${lit(input.contract.source)} and ${a}.column_name = ${lit(column.name)}`;
  const asIs = `${alias}_as_is`;
  return `left join (select * from ref.enum_aliases where lower(alias) = alias) ${asIs} on ${of(asIs)} and ${asIs}.alias = ${c}
    left join ref.enum_aliases ${alias} on ${of(alias)} and ${alias}.alias = case when ${asIs}.value is null then lower(${c}) end`;
}

const enumValue = (alias: string) => `coalesce(${alias}_as_is.value, ${alias}.value)`;

/** The raw table's value columns, in contract order, and the checked-table expressions that fill them. */
export function rawValueColumns(contract: SourceContract): { target: string; source: string }[] {
  return contract.columns.flatMap((column) => {
    const stored = storedColumn(column);
    return stored ? [{ target: stored.name, source: typed(column) }] : [];
  });
}

/** Headers whose values are student PII: the contract's PII columns and any header that names PII. */
export function piiHeadersOf(contract: SourceContract, mapping: HeaderMapping): Set<string> {
  const headers = [...mapping.columns.values(), ...mapping.extras];
  const piiColumns = new Set(contract.columns.filter((c) => c.pii).map((c) => mapping.columns.get(c.name)));
  return new Set(headers.filter((h) => piiColumns.has(h) || isPiiHeader(h)));
}

/** SQL for the `raw` of a malformed row: its line as received, student PII masked. */
export function malformedRawSql(landed: OpenedFile, contract: SourceContract, mapping: HeaderMapping): string {
  const pii = piiHeadersOf(contract, mapping);
  const masked =
    landed.lineLayout === 'json'
      ? maskJsonLineSql('line', landed.headers, pii)
      : maskDelimitedLineSql('line', landed.lineLayout.delimiter, landed.headers, pii);
  return `cast(json_object('line', ${masked}) as varchar)`;
}

/** An Excel number exported as text keeps a ".0": 2141000001.0 is the code 2141000001. */
function withoutDecimalZeros(c: string): string {
  return `case when ends_with(${c}, '0') and contains(${c}, '.') then regexp_replace(${c}, '\\.0+$', '') else ${c} end`;
}

/**
 * A text cell as an Asia/Shanghai TIMESTAMP, null when unreadable. Styles (DOMAIN.md §4):
 * 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 2024年03月05日 10:05 (also 10时05分),
 * 20240305, Excel serials (rounded to the second), and ISO 8601 with an offset or Z,
 * converted to Shanghai wall time. The common shapes are tried first, each on its own: the
 * optimizer copies this expression into every check that reads the value (bad, early and
 * future date), so whatever it costs per cell it costs several times.
 */
function timestampSql(c: string): string {
  const serial = `timestamp '1899-12-30' + to_seconds(cast(round(cast(${c} as double) * 86400) as bigint))`;
  let n = `regexp_replace(${c}, '^(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})(?:\\s*日)?', '\\1-\\2-\\3')`;
  n = `regexp_replace(regexp_replace(${n}, '[时時分]', ':', 'g'), '[:秒]+$', '')`;
  n = `regexp_replace(regexp_replace(regexp_replace(${n}, '[T\\s]+', ' ', 'g'), '\\s*Z$', '+00:00'), '\\s+([+-]\\d{2}(:?\\d{2})?)$', '\\1')`;
  // the shapes systems export most, each parsed with the one format it can be: a parse that
  // fails costs as much as ten that succeed, and so does a list of formats with an offset
  // (which also reads 2024-02-30+08:00 as 1 March: offsets get one format per strptime)
  const common = `case ${c}[5]
    when '-' then case
      when strlen(${c}) <= 10 then try_strptime(${c}, '%Y-%m-%d')
      when strlen(${c}) = 19 and ${c}[11] = ' ' then try_strptime(${c}, '%Y-%m-%d %H:%M:%S')
      when strlen(${c}) = 25 and ${c}[11] = 'T' then timezone('Asia/Shanghai', try_strptime(${c}, '%Y-%m-%dT%H:%M:%S%z'))
    end
    when '/' then case when strlen(${c}) <= 10 then try_strptime(${c}, '%Y/%m/%d') end
    when '.' then case when strlen(${c}) <= 10 then try_strptime(${c}, '%Y.%m.%d') end
    when '年' then case
      when ends_with(${c}, '日') then try_strptime(${c}, '%Y年%m月%d日')
      when ${c}[-6] = ' ' then try_strptime(${c}, '%Y年%m月%d日 %H:%M')
    end
  end`;
  return `coalesce(
    ${common},
    case
      when regexp_full_match(${c}, '\\d{5}(\\.\\d+)?') then ${serial}
      when regexp_full_match(${c}, '\\d{8}') then try_strptime(${c}, '%Y%m%d')
      when regexp_matches(${n}, '\\d:\\d{2}(:\\d{2}(\\.\\d+)?)?[+-]\\d{2}(:?\\d{2})?$')
        then timezone('Asia/Shanghai', coalesce(${['%Y-%m-%d %H:%M:%S%z', '%Y-%m-%d %H:%M%z', '%Y-%m-%d %H:%M:%S.%f%z'].map((f) => `try_strptime(${n}, '${f}')`).join(', ')}))
      else try_strptime(${n}, ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f'])
    end)`;
}

/**
 * Row validation as SQL generated from the contract: every text cell is typed (dates in
 * all their styles, enums through their aliases, school codes repaired when unambiguous),
 * every failure gets the first applicable reason code and a Chinese/English message, and
 * exact duplicate rows (every cell as received) are rejected after the first. Runs inside
 * DuckDB, so a million rows validate at scan speed. Rows with no value at all are not rows.
 */
import type { ColumnContract, SourceContract } from './contract.ts';
import type { HeaderMapping } from './detect.ts';
import { isPiiHeader, MASK, maskDelimitedLineSql, maskJsonLineSql } from './pii.ts';
import { quoteIdent, type LandedFile } from './readers.ts';
import { storedColumn } from '../warehouse/raw-tables.ts';

/** A code that lost leading digits keeps at least this many (shorter ones match too much to trust). */
const MIN_SHORT_CODE = 6;

export interface ValidationInput {
  contract: SourceContract;
  mapping: HeaderMapping;
  landingTable: string;
  /** The file's headers in file order (raw content keeps that order); mapped then extra when absent. */
  headers?: string[];
  /** Temp table of known school codes (school_code); ignored for the schools source. */
  knownSchoolsTable: string;
  /** Ingest clock, 'YYYY-MM-DD HH:MM:SS' Asia/Shanghai; anything later is a future date. */
  now: string;
  /** Salt for PII hashes (never stored in the warehouse). */
  piiSalt: string;
}

interface Check {
  reason: string;
  when: string;
  message: string;
}

const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;
const cell = (column: ColumnContract) => quoteIdent(`c__${column.name}`);
const typed = (column: ColumnContract) => quoteIdent(`v__${column.name}`);

/**
 * SQL creating `<landingTable>_checked` (see module comment); returns it and the table's
 * name. Exact duplicates are found first, grouping rows by a hash of the file's own cells;
 * messages and the masked raw row are built only for the rows that are rejected.
 */
export function validationSql(input: ValidationInput): { sql: string; table: string } {
  const { contract, mapping, landingTable } = input;
  const table = `${landingTable}_checked`;
  const joins: string[] = [];
  const preludes: string[] = [];
  const typedColumns: string[] = [];
  const checks: Check[] = [];

  for (const column of contract.columns) {
    if (column.required) {
      checks.push({ reason: 'missing_required', when: `${cell(column)} is null`, message: lit(`缺少必填字段“${column.zh}”（${column.name} is required）`) });
    }
  }
  contract.columns.forEach((column, index) => {
    const { expression, columnChecks, join, prelude } = typedValue(column, index, input);
    typedColumns.push(`${expression} as ${typed(column)}`);
    checks.push(...columnChecks);
    if (join) joins.push(join);
    if (prelude) preludes.push(prelude);
  });
  checks.push({
    reason: 'duplicate_row',
    when: `_row in (select _row from ${landingTable}_dups)`,
    message: lit('与文件中前面的一行完全相同（exact duplicate of an earlier row）'),
  });

  const cells = contract.columns.map((column) => `${landingCell(column, mapping)} as ${cell(column)}`);
  const fileColumns = input.headers ?? [...mapping.columns.values(), ...mapping.extras];
  const piiHeaders = piiHeadersOf(contract, mapping);
  // the file's own columns travel as f__<header>, so a header can never clash with a name used here
  const fileCell = (h: string) => quoteIdent(`f__${h}`);
  const masked = (h: string) => (piiHeaders.has(h) ? `case when ${fileCell(h)} is null then null else '${MASK}' end` : fileCell(h));
  const rawJson = `json_object(${fileColumns.map((h) => `${lit(h)}, ${masked(h)}`).join(', ') || "'_', null"})`;
  // masked like raw: a hash over a student's ID number would be reversible by trying candidates
  const rowHash = `md5(concat_ws(chr(31), ${fileColumns.map((h) => `coalesce(${masked(h)}, chr(30))`).join(', ') || "''"}))`;
  const keptExtras = mapping.extras.filter((h) => !piiHeaders.has(h));
  const extra = keptExtras.length ? `json_object(${keptExtras.map((h) => `${lit(h)}, ${quoteIdent(h)}`).join(', ')})` : 'cast(null as json)';
  // readers give an empty cell as null; a row of spaces is kept (and fails missing_required)
  const anyValue = fileColumns.length ? `coalesce(${fileColumns.map(quoteIdent).join(', ')}) is not null` : 'false';
  const sameCells = fileColumns.map((h) => `a.${quoteIdent(h)} is not distinct from b.${quoteIdent(h)}`).join(' and ') || 'true';

  const reasonCase = `case ${checks.map((c) => `when ${c.when} then ${lit(c.reason)}`).join(' ')} end`;
  const messageCase = `case ${checks.map((c) => `when ${c.when} then ${c.message}`).join(' ')} end`;

  const sql = `
    ${preludes.map((p) => `${p};\n`).join('')}
    create or replace temp table ${landingTable}_dups as
    with hashed as (
      select _row, hash(${fileColumns.length ? fileColumns.map(quoteIdent).join(', ') : '_row'}) as row_key from ${landingTable} where ${anyValue}
    ),
    repeated as (select row_key, min(_row) as first_row from hashed group by row_key having count(*) > 1),
    candidates as (select hashed._row, repeated.first_row from hashed join repeated using (row_key) where hashed._row > repeated.first_row)
    -- a 64-bit key narrows the search, the cells themselves decide
    select candidates._row from candidates
    join ${landingTable} a on a._row = candidates._row
    join ${landingTable} b on b._row = candidates.first_row
    where ${sameCells};

    create or replace temp table ${table} as
    with cells as (
      select _row, ${cells.join(', ')}, ${fileColumns.map((h) => `${quoteIdent(h)} as ${fileCell(h)}, `).join('')}${extra} as extra
      from ${landingTable}
      where ${anyValue}
    ),
    typed as (
      select cells.*, ${typedColumns.join(', ')}
      from cells ${joins.join(' ')}
    ),
    checked as (
      select *, ${reasonCase} as reason_code from typed
    )
    select _row, ${contract.columns.map(typed).join(', ')}, extra, reason_code,
           case when reason_code is null then ${rowHash} end as row_hash,
           case when reason_code is not null then ${messageCase} end as reason_message,
           case when reason_code is not null then ${rawJson} end as raw_json
    from checked`;
  return { sql, table };
}

/** The landing table's cell for a contract column: trimmed, blank as null; null when the file lacks the column. */
function landingCell(column: ColumnContract, mapping: HeaderMapping): string {
  const header = mapping.columns.get(column.name);
  return header === undefined ? 'cast(null as varchar)' : `nullif(trim(${quoteIdent(header)}), '')`;
}

function typedValue(
  column: ColumnContract,
  index: number,
  input: ValidationInput,
): { expression: string; columnChecks: Check[]; join?: string; prelude?: string } {
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
      // Each distinct cell is typed once, in a small lookup table (cell → code) built first:
      // the regular expressions run per distinct code, not per row (inside one statement the
      // optimiser pushes them below the DISTINCT), and only short codes meet the registry.
      const alias = `code_${index}`;
      const lookup = `${input.landingTable}_${alias}`;
      const prelude = `create or replace temp table ${lookup} as
        select cell, ${withoutDecimalZeros('cell')} as digits
        from (select distinct ${landingCell(column, input.mapping)} as cell from ${input.landingTable}) where cell is not null`;
      const join = `left join (
          select cell, digits as school_code from ${lookup} where regexp_full_match(digits, '\\d{10}')
          union all
          select s.cell, min(k.school_code) from ${lookup} s join ${input.knownSchoolsTable} k on suffix(k.school_code, s.digits)
          where regexp_full_match(s.digits, '\\d{${MIN_SHORT_CODE},9}')
          group by s.cell having count(distinct k.school_code) = 1
        ) ${alias} on ${alias}.cell = ${c}`;
      const expression = `${alias}.school_code`;
      const checks: Check[] = [
        {
          reason: 'bad_school_code',
          when: `${c} is not null and ${typed(column)} is null`,
          message: `${shown(`${label}不是10位学校标识码，也无法唯一补全：“`)} || ${lit('（not a 10-digit school code, and no single registered code ends with it: correct the code in the source system）')}`,
        },
      ];
      if (input.contract.source !== 'schools' || column.name !== 'school_code') {
        checks.push({
          reason: 'unknown_school',
          when: `${typed(column)} not in (select school_code from ${input.knownSchoolsTable})`,
          message: `${shown(`${label}在学校名录中不存在：“`)} || ${lit('（unknown school: land the schools export first or correct the code）')}`,
        });
      }
      return { expression, columnChecks: checks, join, prelude };
    }
    case 'unit_code':
      return {
        expression: withoutDecimalZeros(c),
        columnChecks: [
          {
            reason: 'unknown_unit',
            when: `${c} is not null and ${typed(column)} not in (select unit_code from ref.units)`,
            message: `${shown(`${label}不是已知的县区代码：“`)} || ${lit('（unknown unit code, see data/reference/units.csv）')}`,
          },
        ],
      };
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
      const expression = column.type === 'date' ? `cast(${t} as date)` : t;
      const limit = column.type === 'date' ? `cast(${lit(input.now)} as timestamp)::date` : `cast(${lit(input.now)} as timestamp)`;
      return {
        expression,
        columnChecks: [
          { reason: 'bad_date', when: `${c} is not null and ${typed(column)} is null`, message: `${shown(`${label}无法识别的日期：“`)} || ${lit('（unreadable date）')}` },
          { reason: 'future_date', when: `${typed(column)} > ${limit}`, message: `${shown(`${label}是未来日期：“`)} || ${lit('（date in the future）')}` },
        ],
      };
    }
    case 'boolean': {
      const expression = `case when lower(${c}) in ('是', 'y', 'yes', 'true', '1', '有') then true when lower(${c}) in ('否', 'n', 'no', 'false', '0', '无') then false end`;
      return {
        expression,
        columnChecks: [
          { reason: 'bad_enum', when: `${c} is not null and ${typed(column)} is null`, message: `${shown(`${label}应为“是”或“否”：“`)} || ${lit('（expected yes/no）')}` },
        ],
      };
    }
    case 'enum': {
      const alias = `enum_${index}`;
      const allowed = (column.enum ?? []).map((e) => e.value).join('、');
      return {
        expression: `${alias}.value`,
        join: `left join ref.enum_aliases ${alias} on ${alias}.source = ${lit(input.contract.source)} and ${alias}.column_name = ${lit(column.name)} and ${alias}.alias = lower(${c})`,
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
export function malformedRawSql(landed: LandedFile, contract: SourceContract, mapping: HeaderMapping): string {
  const pii = piiHeadersOf(contract, mapping);
  const masked =
    landed.lineLayout === 'json'
      ? maskJsonLineSql('line', landed.headers, pii)
      : maskDelimitedLineSql('line', landed.lineLayout.delimiter, landed.headers, pii);
  return `cast(json_object('line', ${masked}) as varchar)`;
}

/** An Excel number exported as text keeps a ".0": 2141000001.0 is the code 2141000001. */
function withoutDecimalZeros(c: string): string {
  return `regexp_replace(${c}, '\\.0+$', '')`;
}

/**
 * A text cell as an Asia/Shanghai TIMESTAMP, null when unreadable. Styles (DOMAIN.md §4):
 * 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 2024年03月05日 10:05 (also 10时05分),
 * 20240305, Excel serials (rounded to the second), and ISO 8601 with an offset or Z,
 * converted to Shanghai wall time. The common ISO shape is tried first, on its own.
 */
function timestampSql(c: string): string {
  const serial = `timestamp '1899-12-30' + to_seconds(cast(round(cast(${c} as double) * 86400) as bigint))`;
  let n = `regexp_replace(${c}, '^(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})(?:\\s*日)?', '\\1-\\2-\\3')`;
  n = `regexp_replace(regexp_replace(${n}, '[时時分]', ':', 'g'), '[:秒]+$', '')`;
  n = `regexp_replace(regexp_replace(regexp_replace(${n}, '[T\\s]+', ' ', 'g'), '\\s*Z$', '+00:00'), '\\s+([+-]\\d{2}(:?\\d{2})?)$', '\\1')`;
  return `coalesce(
    try_strptime(${c}, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d']),
    case
      when regexp_full_match(${c}, '\\d{5}(\\.\\d+)?') then ${serial}
      when regexp_full_match(${c}, '\\d{8}') then try_strptime(${c}, '%Y%m%d')
      when regexp_matches(${n}, '\\d:\\d{2}(:\\d{2}(\\.\\d+)?)?[+-]\\d{2}(:?\\d{2})?$')
        then timezone('Asia/Shanghai', try_strptime(${n}, ['%Y-%m-%d %H:%M:%S%z', '%Y-%m-%d %H:%M%z', '%Y-%m-%d %H:%M:%S.%f%z']))
      else try_strptime(${n}, ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f'])
    end)`;
}

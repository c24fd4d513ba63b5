/**
 * Row validation as one SQL statement generated from the contract: every text cell is
 * typed (dates in all their styles, enums through their aliases, school codes repaired
 * when unambiguous), every failure gets the first applicable reason code and a
 * Chinese/English message, and exact duplicate rows are marked. Runs inside DuckDB, so a
 * million rows validate at scan speed.
 */
import type { ColumnContract, SourceContract } from './contract.ts';
import type { HeaderMapping } from './detect.ts';
import { quoteIdent } from './readers.ts';
import { storedColumn } from '../warehouse/raw-tables.ts';

const PII_HEADER = /姓名|身份证|证件号|电话|手机|联系方式|phone|mobile|idcard|id_?number|student_?name|guardian/i;

export interface ValidationInput {
  contract: SourceContract;
  mapping: HeaderMapping;
  landingTable: string;
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

/** SQL creating `<landingTable>_checked` (see module comment); returns its name. */
export function validationSql(input: ValidationInput): { sql: string; table: string } {
  const { contract, mapping, landingTable } = input;
  const table = `${landingTable}_checked`;
  const joins: string[] = [];
  const typedColumns: string[] = [];
  const checks: Check[] = [];

  for (const column of contract.columns) {
    if (column.required) {
      checks.push({ reason: 'missing_required', when: `${cell(column)} is null`, message: lit(`缺少必填字段“${column.zh}”（${column.name} is required）`) });
    }
  }
  contract.columns.forEach((column, index) => {
    const { expression, columnChecks, join } = typedValue(column, index, input);
    typedColumns.push(`${expression} as ${typed(column)}`);
    checks.push(...columnChecks);
    if (join) joins.push(join);
  });

  const cells = contract.columns.map((column) => {
    const header = mapping.columns.get(column.name);
    return `${header === undefined ? 'cast(null as varchar)' : `nullif(trim(${quoteIdent(header)}), '')`} as ${cell(column)}`;
  });
  const fileColumns = [...mapping.columns.values(), ...mapping.extras];
  const piiHeaders = new Set(
    contract.columns.filter((c) => c.pii).map((c) => mapping.columns.get(c.name)).filter((h): h is string => h !== undefined),
  );
  const rawPairs = fileColumns.map((h) => `${lit(h)}, ${piiHeaders.has(h) || PII_HEADER.test(h) ? `case when ${quoteIdent(h)} is null then null else '***' end` : quoteIdent(h)}`);
  const keptExtras = mapping.extras.filter((h) => !PII_HEADER.test(h));
  const extra = keptExtras.length ? `json_object(${keptExtras.map((h) => `${lit(h)}, ${quoteIdent(h)}`).join(', ')})` : 'cast(null as json)';

  const reasonCase = `case ${checks.map((c) => `when ${c.when} then ${lit(c.reason)}`).join(' ')} end`;
  const messageCase = `case ${checks.map((c) => `when ${c.when} then ${c.message}`).join(' ')} end`;
  const allCells = contract.columns.map(cell).join(', ');

  const sql = `
    create temp table ${table} as
    with cells as (
      select _row, ${cells.join(', ')},
             json_object(${rawPairs.join(', ') || "'_', null"}) as raw_json,
             ${extra} as extra
      from ${landingTable}
    ),
    typed as (
      select cells.*, ${typedColumns.join(', ')}
      from cells ${joins.join(' ')}
    ),
    checked as (
      select *, ${reasonCase} as reason_code, ${messageCase} as reason_message,
             row_number() over (partition by ${allCells} order by _row) as copy_number
      from typed
    )
    select * exclude (reason_code, reason_message, copy_number),
           case when reason_code is null and copy_number > 1 then 'duplicate_row' else reason_code end as reason_code,
           case when reason_code is null and copy_number > 1 then '与文件中前面的一行完全相同（exact duplicate of an earlier row）' else reason_message end as reason_message,
           md5(cast(raw_json as varchar)) as row_hash
    from checked`;
  return { sql, table };
}

function typedValue(
  column: ColumnContract,
  index: number,
  input: ValidationInput,
): { expression: string; columnChecks: Check[]; join?: string } {
  const c = cell(column);
  const label = `“${column.zh}”（${column.name}）`;
  const shown = (text: string) => `${lit(text)} || ${c} || ${lit('”')}`;
  switch (column.type) {
    case 'text': {
      if (column.pii === 'hash') {
        return { expression: `case when ${c} is null then null else sha256(${lit(input.piiSalt)} || upper(${c})) end`, columnChecks: [] };
      }
      return { expression: c, columnChecks: [] };
    }
    case 'school_code': {
      const alias = `repair_${index}`;
      const digits = `regexp_replace(${c}, '\\.0+$', '')`;
      const expression = `case when regexp_matches(${digits}, '^\\d{10}$') then ${digits} else ${alias}.school_code end`;
      const join = `left join (
          select short_code, min(k.school_code) as school_code from
            (select distinct regexp_replace(${c}, '\\.0+$', '') as short_code from cells where regexp_matches(regexp_replace(${c}, '\\.0+$', ''), '^\\d{1,9}$')) s
            join ${input.knownSchoolsTable} k on k.school_code like '%' || s.short_code
          group by short_code having count(distinct k.school_code) = 1
        ) ${alias} on ${alias}.short_code = ${digits}`;
      const checks: Check[] = [
        {
          reason: 'bad_school_code',
          when: `${c} is not null and ${typed(column)} is null`,
          message: `${shown(`${label}不是10位学校标识码且无法唯一修复：“`)} || ${lit('（not a 10-digit school code and not repairable unambiguously）')}`,
        },
      ];
      if (input.contract.source !== 'schools' || column.name !== 'school_code') {
        checks.push({
          reason: 'unknown_school',
          when: `${typed(column)} not in (select school_code from ${input.knownSchoolsTable})`,
          message: `${shown(`${label}在学校名录中不存在：“`)} || ${lit('（unknown school: land the schools export first or correct the code）')}`,
        });
      }
      return { expression, columnChecks: checks, join };
    }
    case 'unit_code':
      return {
        expression: c,
        columnChecks: [
          {
            reason: 'unknown_unit',
            when: `${c} is not null and ${c} not in (select unit_code from ref.units)`,
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
      return { expression: column.type === 'integer' ? `cast(${n} as integer)` : n, columnChecks: checks };
    }
    case 'date':
    case 'datetime': {
      const t = `ref.parse_timestamp(${c})`;
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

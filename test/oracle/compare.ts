/**
 * The marts and the oracle side by side, as plain records of exact text (integers, reduced
 * fractions), and their differences as readable lines.
 */
import type { Warehouse } from '../../warehouse/connection.ts';
import { iso } from './calendar.ts';
import type { Fraction } from './exact.ts';
import type { OracleResult } from './oracle.ts';

export type Row = Record<string, unknown>;
const DOMAINS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** Both sides as comparable plain records: integers as text, fractions reduced. */
const exact = (f: Fraction | null) => {
  if (f === null) return null;
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  const g = gcd(f.n, f.d) || 1n;
  return `${f.n / g}/${f.d / g}`;
};
const big = (v: bigint | number | null | undefined) => (v === null || v === undefined ? null : String(v));

export function diff(table: string, sql: Map<string, Row>, expected: Map<string, Row>): string[] {
  const problems: string[] = [];
  for (const [key, row] of expected) {
    const actual = sql.get(key);
    if (!actual) problems.push(`${table} ${key}: the oracle has it, the marts do not: ${JSON.stringify(row)}`);
    else for (const field of Object.keys(row)) if (actual[field] !== row[field]) problems.push(`${table} ${key} ${field}: marts ${JSON.stringify(actual[field])}, oracle ${JSON.stringify(row[field])}`);
  }
  for (const [key, row] of sql) if (!expected.has(key)) problems.push(`${table} ${key}: the marts have it, the oracle does not: ${JSON.stringify(row)}`);
  return problems;
}

export const keyed = (rows: Row[], key: (r: Row) => string) => new Map(rows.map((r) => [key(r), r]));

export async function martsOf(db: Warehouse) {
  const reduce = (n: unknown, d: unknown) => (n === null ? null : exact({ n: BigInt(String(n)), d: BigInt(String(d)) }));
  const indicators = (
    await db.all(`select period, unit_code, school_code, indicator_id, status, value_numerator::varchar as n, value_denominator::varchar as d,
                         cast(round(points * 10000) as bigint)::varchar as points, cast(round(max_points * 10000) as bigint)::varchar as max_points
                  from marts.indicator_values`)
  ).map((r) => ({ key: `${r.period}|${r.unit_code}|${r.school_code}|${r.indicator_id}`, status: r.status, value: reduce(r.n, r.d), points: r.points, max_points: r.max_points }));
  const schools = (
    await db.all(`select period, school_code, unit_code, school_type, enrollment::varchar as enrollment, student_days::varchar as student_days, closed_on::varchar as closed_on,
                         ${DOMAINS.map((d) => `cast(round(points_${d} * 10000) as bigint)::varchar as points_${d}`).join(', ')},
                         cast(round(earned_points * 10000) as bigint)::varchar as earned, cast(round(applicable_points * 10000) as bigint)::varchar as applicable,
                         cast(round(score * 100) as bigint)::varchar as score, grade, veto_reason, rank, n_ranked, previous_rank
                  from marts.school_scorecard`)
  ).map((r) => ({ ...r, key: `${r.period}|${r.school_code}` }));
  const units = (
    await db.all(`select period, unit_code, n_schools, n_vetoed_schools, enrollment::varchar as enrollment,
                         cast(round(school_mean * 100) as bigint)::varchar as school_mean, cast(round(supervision_score * 100) as bigint)::varchar as supervision_score,
                         cast(round(score * 100) as bigint)::varchar as score, grade, rank, previous_rank
                  from marts.unit_scorecard`)
  ).map((r) => ({ ...r, key: `${r.period}|${r.unit_code}` }));
  const boards = (
    await db.all(`select period, unit_code, school_code, board_rank, indicator_id, cast(round(attainment * 10000) as bigint)::varchar as attainment,
                         cast(round(city_median_attainment * 10000) as bigint)::varchar as city_median, cast(round(gap * 10000) as bigint)::varchar as gap
                  from marts.short_boards`)
  ).map((r) => ({ ...r, key: `${r.period}|${r.unit_code}|${r.school_code}|${r.board_rank}` }));
  const periods = (await db.all(`select period_id, start_on::varchar as start_on, as_of_on::varchar as as_of_on, previous_period_id from core.dim_periods`)).map((r) => ({ ...r, key: String(r.period_id) }));
  return { indicators, schools, units, boards, periods };
}

export function expectedOf(o: OracleResult) {
  return {
    periods: o.periods.map((p) => ({ key: p.id, period_id: p.id, as_of_on: iso(p.asOf), previous_period_id: p.previousId })),
    indicators: o.indicators.map((r) => ({
      key: `${r.period}|${r.unitCode}|${r.schoolCode}|${r.indicatorId}`,
      status: r.status,
      value: exact(r.value),
      points: big(r.points),
      max_points: big(r.maxPoints),
    })),
    schools: o.schools.map((s) => ({
      key: `${s.period}|${s.schoolCode}`,
      period: s.period,
      school_code: s.schoolCode,
      unit_code: s.unitCode,
      school_type: s.schoolType,
      enrollment: big(s.enrollment),
      student_days: big(s.studentDays),
      closed_on: s.closedOn === null ? null : iso(s.closedOn),
      ...Object.fromEntries(DOMAINS.map((d) => [`points_${d}`, big(s.domainPoints[d.toUpperCase()])])),
      earned: big(s.earned),
      applicable: big(s.applicable),
      score: big(s.score),
      grade: s.grade,
      veto_reason: s.vetoReason,
      rank: s.rank,
      n_ranked: s.nRanked,
      previous_rank: s.previousRank,
    })),
    units: o.units.map((u) => ({
      key: `${u.period}|${u.unitCode}`,
      period: u.period,
      unit_code: u.unitCode,
      n_schools: u.nSchools,
      n_vetoed_schools: u.nVetoed,
      enrollment: big(u.enrollment),
      school_mean: big(u.schoolMean),
      supervision_score: big(u.supervisionScore),
      score: big(u.score),
      grade: u.grade,
      rank: u.rank,
      previous_rank: u.previousRank,
    })),
    boards: o.boards.map((b) => ({
      key: `${b.period}|${b.unitCode}|${b.schoolCode}|${b.boardRank}`,
      period: b.period,
      unit_code: b.unitCode,
      school_code: b.schoolCode,
      board_rank: b.boardRank,
      indicator_id: b.indicatorId,
      attainment: big(b.attainment),
      city_median: big(b.cityMedian),
      gap: big(b.gap),
    })),
  };
}

export const TABLES = ['periods', 'indicators', 'schools', 'units', 'boards'] as const;
export type Tables = Record<(typeof TABLES)[number], Row[]>;

/** Every difference between two sets of tables (the marts and the oracle, or two runs of the marts). */
export function disagreements(marts: Tables, expected: Tables): string[] {
  const byKey = (rows: Row[]) => keyed(rows, (r) => String(r.key));
  return TABLES.flatMap((table) => diff(table, byKey(marts[table]), byKey(expected[table])));
}

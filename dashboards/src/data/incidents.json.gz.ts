// Data for the 事故案件 page, per year and term: cases by category and severity and by unit
// (aggregates: exact), and the schools with cases. School rows publish the sensitive
// categories (性侵害, 心理危机) and deaths through suppressSmall (lib/suppress.ts): 1 or 2
// is written as "<3" here, in the loader, so the exact small number never leaves the
// warehouse. A school row carries no overall total or severity split, which would give the
// suppressed counts away by difference.
//
// Grain of the output: one gzip-compressed JSON document (lib/gzip.ts: a province has
// thousands of schools with cases); by_period[p].by_category one row per category
// and severity, by_unit one row per unit, schools one row per school with a case.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../warehouse/schema.generated.ts';
import { gzipJson } from '../../lib/gzip.ts';
import { rowsOfPeriod } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import { typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';
import { SENSITIVE_CATEGORIES, suppressSmall } from '../../lib/suppress.ts';

interface SchoolCases {
  school_code: string;
  /** Null when the registry does not know the school (left join). */
  school_name: string | null;
  unit_name: string | null;
  n_other: number;
  n_injured: number;
  n_deaths: number;
  sensitive: Record<string, number>;
}

/** Each case with the year or term it occurred in (one row per such period). */
function casesByPeriod(q: Kysely<Database>) {
  return q
    .selectFrom('core.fct_cases as c')
    .innerJoin('core.dim_period_days as p', (join) => join.on((eb) => sql<boolean>`${eb.ref('p.day_on')} = ${eb.ref('c.occurred_at')}::date`))
    .innerJoin('core.dim_periods as d', (join) => join.onRef('d.period_id', '=', 'p.period_id').on('d.period_kind', 'in', [sql.lit('year'), sql.lit('term')]))
    .selectAll('c')
    .select('p.period_id as period')
    .as('c');
}

const count = sql<number>`count(*)::integer`;

async function incidents(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  const periods = (await q.selectFrom('core.dim_periods').select('period_id').where('period_kind', 'in', [sql.lit('year'), sql.lit('term')]).orderBy('period_id').execute()).map((r) => r.period_id);
  const byCategory = await q
    .selectFrom(casesByPeriod(q))
    .select((eb) => [
      'period',
      'category',
      'severity',
      count.as('n_cases'),
      sql<number | null>`sum(${eb.ref('n_injured')})::integer`.as('n_injured'),
      sql<number | null>`sum(${eb.ref('n_deaths')})::integer`.as('n_deaths'),
    ])
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('n_cases', 'desc')
    .orderBy('category')
    .orderBy('severity')
    .execute();
  const byUnit = await q
    .selectFrom(casesByPeriod(q))
    .leftJoin('ref.units as u', 'u.unit_code', 'c.unit_code')
    .select((eb) => [
      'period',
      'c.unit_code',
      'u.unit_name',
      count.as('n_cases'),
      sql<number>`sum(${eb.ref('severity_weight')})::integer`.as('weighted'),
      sql<number>`count(*) filter (where ${eb.ref('is_late_reported')})::integer`.as('n_late_reported'),
      sql<number | null>`sum(${eb.ref('n_deaths')})::integer`.as('n_deaths'),
    ])
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('n_cases', 'desc')
    .orderBy('c.unit_code')
    .execute();
  const schoolRows = await q
    .selectFrom(casesByPeriod(q))
    .leftJoin('core.dim_schools as s', (join) => join.onRef('s.school_code', '=', 'c.school_code').on('s.is_current', '=', sql.lit(true)))
    .leftJoin('ref.units as u', 'u.unit_code', 'c.unit_code')
    .select((eb) => [
      'period',
      'c.school_code',
      's.school_name',
      'u.unit_name',
      'category',
      count.as('n'),
      sql<number | null>`sum(${eb.ref('n_injured')})::integer`.as('n_injured'),
      sql<number | null>`sum(${eb.ref('n_deaths')})::integer`.as('n_deaths'),
    ])
    .groupBy(sql`all`)
    .execute();
  const bySchool = new Map<string, SchoolCases & { period: string }>();
  for (const r of schoolRows) {
    const key = `${r.period}|${r.school_code}`;
    const row = bySchool.get(key) ?? { period: r.period, school_code: r.school_code, school_name: r.school_name, unit_name: r.unit_name, n_other: 0, n_injured: 0, n_deaths: 0, sensitive: {} };
    if (SENSITIVE_CATEGORIES.includes(r.category)) row.sensitive[r.category] = (row.sensitive[r.category] ?? 0) + r.n;
    else row.n_other += r.n;
    row.n_injured += r.n_injured ?? 0;
    row.n_deaths += r.n_deaths ?? 0;
    bySchool.set(key, row);
  }
  const published = [...bySchool.values()].map(({ sensitive, n_deaths, ...row }) => ({
    ...row,
    n_deaths: suppressSmall(n_deaths),
    sensitive: Object.fromEntries(SENSITIVE_CATEGORIES.map((c) => [c, suppressSmall(sensitive[c] ?? 0)])),
  }));
  return gzipJson({
    scope: snapshot.scope,
    sensitive_categories: SENSITIVE_CATEGORIES,
    by_period: Object.fromEntries(
      periods.map((p) => [p, { by_category: rowsOfPeriod(byCategory, p), by_unit: rowsOfPeriod(byUnit, p), schools: rowsOfPeriod(published, p).sort((a, b) => b.n_other - a.n_other || a.school_code.localeCompare(b.school_code)) }]),
    ),
  });
}

export default await siteLoader(import.meta, {
  output: 'incidents.json.gz',
  tables: ['core.fct_cases', 'core.dim_periods', 'core.dim_period_days', 'core.dim_schools'],
  build: incidents,
});

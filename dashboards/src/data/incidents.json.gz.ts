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
import { gzipJson } from '../../lib/gzip.ts';
import { rowsOfPeriod } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import type { Snapshot } from '../../lib/snapshot.ts';
import { SENSITIVE_CATEGORIES, suppressSmall } from '../../lib/suppress.ts';

interface SchoolCases {
  school_code: string;
  school_name: string;
  unit_name: string;
  n_other: number;
  n_injured: number;
  n_deaths: number;
  sensitive: Record<string, number>;
}

const CASES = `
  select c.*, p.period_id as period
  from core.fct_cases c
  join core.dim_period_days p on p.day_on = c.occurred_at::date
  join core.dim_periods d on d.period_id = p.period_id and d.period_kind in ('year', 'term')`;

async function incidents(snapshot: Snapshot) {
  const periods = (await snapshot.query<{ period_id: string }>(`select period_id from core.dim_periods where period_kind in ('year', 'term') order by period_id`)).map((r) => r.period_id);
  const byCategory = await snapshot.query<{ period: string }>(
    `select period, category, severity, count(*)::integer as n_cases, sum(n_injured)::integer as n_injured, sum(n_deaths)::integer as n_deaths
     from (${CASES}) group by all order by period, n_cases desc, category, severity`,
  );
  const byUnit = await snapshot.query<{ period: string }>(
    `select period, c.unit_code, u.unit_name, count(*)::integer as n_cases, sum(severity_weight)::integer as weighted,
            count(*) filter (where is_late_reported)::integer as n_late_reported, sum(n_deaths)::integer as n_deaths
     from (${CASES}) c left join ref.units u using (unit_code) group by all order by period, n_cases desc, c.unit_code`,
  );
  const schoolRows = await snapshot.query<{ period: string; school_code: string; school_name: string; unit_name: string; category: string; n: number; n_injured: number; n_deaths: number }>(
    `select period, c.school_code, s.school_name, u.unit_name, category, count(*)::integer as n, sum(n_injured)::integer as n_injured, sum(n_deaths)::integer as n_deaths
     from (${CASES}) c
     left join core.dim_schools s on s.school_code = c.school_code and s.is_current
     left join ref.units u on u.unit_code = c.unit_code
     group by all`,
  );
  const bySchool = new Map<string, SchoolCases & { period: string }>();
  for (const r of schoolRows) {
    const key = `${r.period}|${r.school_code}`;
    const row = bySchool.get(key) ?? { period: r.period, school_code: r.school_code, school_name: r.school_name, unit_name: r.unit_name, n_other: 0, n_injured: 0, n_deaths: 0, sensitive: {} };
    if (SENSITIVE_CATEGORIES.includes(r.category)) row.sensitive[r.category] = (row.sensitive[r.category] ?? 0) + r.n;
    else row.n_other += r.n;
    row.n_injured += r.n_injured;
    row.n_deaths += r.n_deaths;
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

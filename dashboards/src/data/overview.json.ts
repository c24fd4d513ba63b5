// Data for the 总览 (overview) page, one view per period of marts.unit_scorecard:
// headline numbers (schools, average score, grades, vetoes from marts.school_scorecard;
// open and overdue major hazards from core.fct_hazards at the period's as-of day; pooled
// on-time rectification A3 and device uptime B2–B4 from marts.unit_indicator_ranking;
// red/orange alert response from core.fct_alerts; incidents from core.fct_cases), the unit
// ranking with rank changes, the city's trend and what changed since the previous period; and
// `missing_sources`, what is 缺报 in marts.source_health, for the page's one-line banner.
// In a unit-scoped build the school-level figures are the unit's own (lib/scope.ts).
//
// Grain of the output: one JSON document; `by_period[period].units` one row per unit with a
// scorecard row; `trend` one row per period and unit.
import { missingSummary } from '../../lib/health.ts';
import { siteLoader } from '../../lib/loader.ts';
import { publishedAt, type Snapshot } from '../../lib/snapshot.ts';

interface UnitRow {
  unit_code: string;
  unit_name: string;
  is_ranked: boolean;
  score: number;
  grade: string;
  rank: number | null;
  previous_rank: number | null;
  rank_change: number | null;
  previous_score: number | null;
  previous_grade: string | null;
  n_schools: number;
  n_vetoed_schools: number;
}

const UNITS = `
  select s.unit_code, s.unit_name, s.is_ranked, s.score, s.grade, s.rank, s.previous_rank, s.rank_change,
         p.score as previous_score, p.grade as previous_grade, s.n_schools, s.n_vetoed_schools
  from marts.unit_scorecard s
  join core.dim_periods d on d.period_id = s.period
  left join marts.unit_scorecard p on p.period = d.previous_period_id and p.unit_code = s.unit_code
  where s.period = $period
  order by s.is_ranked desc, s.rank nulls last, s.score desc, s.unit_code`;

/** School-level headline numbers of every period at once. */
const HEADLINES = `
  with schools as (
    select period, count(*)::integer as n_schools, round(avg(score), 2) as average_score,
           count(*) filter (where is_vetoed)::integer as n_vetoed,
           count(*) filter (where grade = '优秀')::integer as n_excellent,
           count(*) filter (where grade = '良好')::integer as n_good,
           count(*) filter (where grade = '合格')::integer as n_pass,
           count(*) filter (where grade = '不合格')::integer as n_fail
    from marts.school_scorecard group by period),
  pooled as (
    select period,
           sum(numerator) filter (where indicator_id = 'A3') as rectified_on_time,
           sum(denominator) filter (where indicator_id = 'A3') as hazards_due,
           sum(numerator) filter (where indicator_id in ('B2', 'B3', 'B4')) as device_hours_online,
           sum(denominator) filter (where indicator_id in ('B2', 'B3', 'B4')) as device_hours
    from marts.unit_indicator_ranking group by period),
  hazards as (
    select d.period_id as period,
           count(*) filter (where h.is_major and h.found_on <= d.as_of_on and (h.rectified_on is null or h.rectified_on > d.as_of_on))::integer as open_major,
           count(*) filter (where h.is_major and h.found_on <= d.as_of_on and h.due_on < d.as_of_on
                            and (h.rectified_on is null or h.rectified_on > d.as_of_on))::integer as overdue_major
    from core.dim_periods d cross join core.fct_hazards h group by d.period_id),
  alerts as (
    select p.period_id as period, count(*)::integer as n_red_orange,
           median(a.minutes_to_acknowledge) as red_orange_median_minutes
    from core.fct_alerts a join core.dim_period_days p on p.day_on = a.raised_at::date
    where a.level in ('红', '橙') and not a.is_duplicate group by p.period_id),
  cases as (
    select p.period_id as period, count(*)::integer as n_cases
    from core.fct_cases c join core.dim_period_days p on p.day_on = c.occurred_at::date group by p.period_id)
  select d.period_id as period, s.* exclude (period),
         pooled.rectified_on_time, pooled.hazards_due, pooled.device_hours_online, pooled.device_hours,
         coalesce(hazards.open_major, 0) as open_major, coalesce(hazards.overdue_major, 0) as overdue_major,
         coalesce(alerts.n_red_orange, 0) as n_red_orange, alerts.red_orange_median_minutes,
         coalesce(cases.n_cases, 0) as n_cases
  from core.dim_periods d
  join schools s on s.period = d.period_id
  left join pooled on pooled.period = d.period_id
  left join hazards on hazards.period = d.period_id
  left join alerts on alerts.period = d.period_id
  left join cases on cases.period = d.period_id
  order by d.period_id`;

async function overview(snapshot: Snapshot) {
  const headlines = await snapshot.query<Record<string, unknown> & { period: string }>(HEADLINES);
  const periods = headlines.map((h) => h.period).sort();
  const latestYear = periods.filter((p) => /^\d{4}$/.test(p)).at(-1);
  if (latestYear === undefined) throw new Error('marts.school_scorecard has no annual rows: run `safecampus transform` before building the site');
  const byPeriod: Record<string, unknown> = {};
  for (const h of headlines) {
    const units = await snapshot.query<UnitRow>(UNITS, { period: h.period });
    const gradeChanges = await snapshot.query<{ direction: string; n: number }>(
      `select case when b.min_score > a.min_score then 'up' else 'down' end as direction, count(*)::integer as n
       from marts.school_scorecard s
       join core.dim_periods d on d.period_id = s.period
       join marts.school_scorecard p on p.period = d.previous_period_id and p.school_code = s.school_code
       join ref.grade_bands b on b.grade = s.grade and b.edition = s.definition_edition
       join ref.grade_bands a on a.grade = p.grade and a.edition = s.definition_edition
       where s.period = $period and s.grade <> p.grade group by all order by direction`,
      { period: h.period },
    );
    byPeriod[h.period] = { city: h, units, school_grade_changes: Object.fromEntries(gradeChanges.map((g) => [g.direction, g.n])) };
  }
  const trend = await snapshot.query(
    `select s.period, d.period_kind, s.unit_code, s.unit_name, s.is_ranked, s.score, s.rank
     from marts.unit_scorecard s join core.dim_periods d on d.period_id = s.period
     order by s.period, s.unit_code`,
  );
  return {
    published_at: await publishedAt(snapshot),
    default_period: latestYear,
    scope: snapshot.scope,
    by_period: byPeriod,
    trend,
    missing_sources: await missingSummary(snapshot, snapshot.scope?.unit_code ?? null),
  };
}

export default await siteLoader(import.meta, {
  output: 'overview.json',
  build: overview,
  tables: [
    'marts.unit_scorecard',
    'marts.school_scorecard',
    'marts.unit_indicator_ranking',
    'core.dim_periods',
    'core.dim_period_days',
    'core.fct_hazards',
    'core.fct_alerts',
    'core.fct_cases',
    'ref.grade_bands',
  ],
});

// Data for one 县区评分卡 page (src/units/[unit].md), run once per unit (--unit=CODE when Framework runs it):
// score, grade and rank history; per period (years and terms, the appraisal cadence): domain
// attainment against the city, every indicator with its status, the unit's short boards, its
// schools ranked with grades, and its vetoes; and its 报送监测 rows (lib/health.ts).
//
// A unit can have thousands of schools (5,697 in a province's largest), listed for every
// period, so the document is gzip-compressed JSON (lib/gzip.ts; the page inflates it) and the
// schools are columns: `schools` names each school once (code, name, type, sorted by code),
// and a period's `schools` has a `school` column of indexes into it beside its scores, ranks
// and vetoes, in the period's order (score descending, then code).
//
// Domain attainment is pooled from marts.unit_indicator_ranking (unit-level rows, so a
// unit-scoped build still has the city): Σ attainment × points × applicable schools over Σ
// points × applicable schools — exactly Σ points earned ÷ Σ points available.
//
// Grain of the output: one JSON document for one unit.
import { columns, gzipJson } from '../../../lib/gzip.ts';
import { sourceHealth } from '../../../lib/health.ts';
import { siteLoader } from '../../../lib/loader.ts';
import { LoaderError, type Snapshot } from '../../../lib/snapshot.ts';

const DOMAINS = `
  with rows as (
    select r.unit_code, i.domain_id, i.points * r.n_schools_applicable as available, r.attainment * i.points * r.n_schools_applicable as earned
    from marts.unit_indicator_ranking r
    join core.dim_periods d on d.period_id = r.period
    join ref.indicators i on i.indicator_id = r.indicator_id and i.edition = d.definition_edition
    where r.period = $period and r.attainment is not null and r.n_schools_applicable > 0)
  select dm.domain_id, dm.domain_name_zh as domain_name, dm.points,
         sum(earned) filter (where unit_code = $unit) / sum(available) filter (where unit_code = $unit) as attainment,
         sum(earned) / sum(available) as city_attainment
  from ref.domains dm join core.dim_periods d on d.definition_edition = dm.edition and d.period_id = $period
  left join rows using (domain_id)
  group by all order by any_value(dm.sort_order)`;

const INDICATORS = `
  select r.indicator_id, i.indicator_name_zh as indicator_name, i.domain_id, i.unit, i.sort_order, i.target, i.direction, r.value, r.rank,
         r.attainment * i.points as points, case when r.n_schools_applicable > 0 then i.points end as max_points,
         case when r.n_schools_applicable = 0 then 'not_applicable' when r.attainment is null then 'no_data' else 'ok' end as status
  from marts.unit_indicator_ranking r
  join core.dim_periods d on d.period_id = r.period
  join ref.indicators i on i.indicator_id = r.indicator_id and i.edition = d.definition_edition
  where r.period = $period and r.unit_code = $unit
  union all
  select v.indicator_id, v.indicator_name, v.domain_id, v.unit, v.sort_order, v.target, v.direction, v.value, null, v.points, v.max_points, v.status
  from marts.indicator_values v
  where v.period = $period and v.unit_code = $unit and v.school_code is null
  order by sort_order`;

const SCHOOLS = `
  select school_code, school_name, school_type, score, grade, rank, n_ranked, previous_rank, rank_change, is_vetoed, veto_reason
  from marts.school_scorecard where period = $period and unit_code = $unit
  order by score desc, school_code`;

interface SchoolRow {
  school_code: string;
  school_name: string;
  school_type: string;
  [score: string]: unknown;
}

const SCHOOL_KEYS = ['school_code', 'school_name', 'school_type'] as const;
const SCORE_KEYS = ['school', 'score', 'grade', 'rank', 'n_ranked', 'previous_rank', 'rank_change', 'is_vetoed', 'veto_reason'] as const;

/** The schools of every period as columns: each school (code, name, type) once, and per period its rows pointing at them. */
function schoolColumns(byPeriod: Map<string, SchoolRow[]>) {
  const key = (s: SchoolRow) => SCHOOL_KEYS.map((k) => s[k]).join('\t');
  const unique = new Map<string, SchoolRow>();
  for (const rows of byPeriod.values()) for (const s of rows) unique.set(key(s), s);
  const schools = [...unique.values()].sort((a, b) => a.school_code.localeCompare(b.school_code) || key(a).localeCompare(key(b)));
  const index = new Map(schools.map((s, i) => [key(s), i]));
  const periods = new Map([...byPeriod].map(([period, rows]) => [period, columns(rows.map((s) => ({ ...s, school: index.get(key(s))! })), SCORE_KEYS)]));
  return { schools: columns(schools, SCHOOL_KEYS), periods };
}

async function unitPage(snapshot: Snapshot, code: string) {
  const units = await snapshot.query<{ unit_code: string; unit_name: string; is_ranked: boolean }>(
    'select unit_code, unit_name, is_ranked from ref.units where unit_code = $code',
    { code: code ?? '' },
  );
  if (!units[0]) throw new LoaderError(`--unit=${code} is not a unit of ref.units`);
  const unit = units[0];
  const history = await snapshot.query<{ period: string; period_kind: string }>(
    `select s.period, d.period_kind, s.score, s.grade, s.rank, s.previous_rank, s.rank_change, s.school_mean, s.supervision_score,
            s.n_schools, s.n_vetoed_schools, (select count(*)::integer from marts.unit_scorecard c where c.period = s.period and c.rank is not null) as n_ranked
     from marts.unit_scorecard s join core.dim_periods d on d.period_id = s.period
     where s.unit_code = $unit and d.period_kind in ('year', 'term', 'quarter') order by s.period`,
    { unit: unit.unit_code },
  );
  const byPeriod: Record<string, Record<string, unknown>> = {};
  const schools = new Map<string, SchoolRow[]>();
  for (const { period } of history.filter((h) => h.period_kind !== 'quarter')) {
    const params = { unit: unit.unit_code, period };
    schools.set(period, await snapshot.query<SchoolRow>(SCHOOLS, params));
    byPeriod[period] = {
      domains: await snapshot.query(DOMAINS, params),
      indicators: await snapshot.query(INDICATORS, params),
      short_boards: await snapshot.query(
        `select indicator_id, indicator_name, board_rank, attainment, city_median_attainment, gap, suggestions
         from marts.short_boards where period = $period and unit_code = $unit and school_code is null order by board_rank`,
        params,
      ),
    };
  }
  const listed = schoolColumns(schools);
  for (const [period, rows] of listed.periods) byPeriod[period]!.schools = rows;
  const health = await sourceHealth(snapshot, unit.unit_code);
  return gzipJson({ unit, scope: snapshot.scope, history, schools: listed.schools, by_period: byPeriod, health });
}

export default await siteLoader(import.meta, {
  output: ({ unit }) => `units/${unit}.json.gz`,
  param: 'unit',
  build: (snapshot, { unit }) => unitPage(snapshot, unit!),
  tables: [
    'marts.unit_scorecard',
    'marts.school_scorecard',
    'marts.unit_indicator_ranking',
    'marts.indicator_values',
    'marts.short_boards',
    'core.dim_periods',
    'ref.indicators',
    'ref.domains',
  ],
});

// Data for the 不合格与一票否决学校 page (src/failing.md): per period of marts.school_scorecard, the
// schools graded 不合格 and the vetoed ones (一票否决), each with its unit, type, score, grade,
// rank, veto reason and its weakest indicators — the WORST_LIMIT lowest share of points earned
// (no data counts as none earned), by name — so a reader sees why before opening the school.
// Vetoed schools first, then by score ascending.
//
// Every period of the scorecards (months too: the overview links here with its period), so the
// document is gzip-compressed (lib/gzip.ts): the same schools and names recur period after period.
//
// Grain: `by_period[p]` one row per school of the period that failed or was vetoed.
import { sql } from 'kysely';
import { gzipJson } from '../../lib/gzip.ts';
import { siteLoader } from '../../lib/loader.ts';
import { rowsOfPeriod } from '../../lib/periods.ts';
import { typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';

/** Indicators listed per school, weakest first. */
const WORST_LIMIT = 3;

async function failingSchools(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  const schools = await q
    .selectFrom('marts.school_scorecard as s')
    .leftJoin('ref.units as u', 'u.unit_code', 's.unit_code')
    .select(['s.period', 's.school_code', 's.school_name', 's.unit_code', 'u.unit_name', 's.school_type', 's.score', 's.grade', 's.rank', 's.n_ranked', 's.is_vetoed', 's.veto_reason'])
    .where((eb) => eb.or([eb('s.grade', '=', sql.lit('不合格')), eb('s.is_vetoed', '=', sql.lit(true))]))
    .orderBy('s.period')
    .orderBy('s.is_vetoed', 'desc')
    .orderBy('s.score')
    .orderBy('s.school_code')
    .execute();
  // the weakest indicators of those schools: lowest share of points, then the definition's order
  const worst = await q
    .selectFrom('marts.indicator_values as v')
    .innerJoin('marts.school_scorecard as s', (join) => join.onRef('s.period', '=', 'v.period').onRef('s.school_code', '=', 'v.school_code'))
    .select((eb) => [
      'v.period',
      'v.school_code',
      'v.indicator_id',
      'v.indicator_name',
      sql<number>`coalesce(${eb.ref('v.points')}, 0)`.as('points'),
      'v.max_points',
      sql<number>`row_number() over (partition by ${eb.ref('v.period')}, ${eb.ref('v.school_code')} order by coalesce(${eb.ref('v.points')}, 0) / ${eb.ref('v.max_points')}, ${eb.ref('v.sort_order')})`.as('n'),
    ])
    .where((eb) => eb.or([eb('s.grade', '=', sql.lit('不合格')), eb('s.is_vetoed', '=', sql.lit(true))]))
    .where('v.status', '<>', sql.lit('not_applicable'))
    .where('v.max_points', '>', sql.lit(0))
    .where((eb) => sql<boolean>`coalesce(${eb.ref('v.points')}, 0) < ${eb.ref('v.max_points')} - 1e-9`)
    .execute();
  const worstOf = new Map<string, typeof worst>();
  for (const w of worst.filter((w) => w.n <= WORST_LIMIT).sort((a, b) => a.n - b.n)) {
    const key = `${w.period}\t${w.school_code}`;
    worstOf.set(key, [...(worstOf.get(key) ?? []), w]);
  }
  const periods = await q.selectFrom('marts.school_scorecard').select('period').distinct().orderBy('period').execute();
  const byPeriod = Object.fromEntries(
    periods.map(({ period }) => [
      period,
      rowsOfPeriod(schools, period).map((s) => ({
        ...s,
        worst: (worstOf.get(`${period}\t${s.school_code}`) ?? []).map((w) => ({ indicator_id: w.indicator_id, indicator_name: w.indicator_name, points: w.points, max_points: w.max_points })),
      })),
    ]),
  );
  return gzipJson({ scope: snapshot.scope, worst_limit: WORST_LIMIT, by_period: byPeriod });
}

export default await siteLoader(import.meta, {
  output: 'failing.json.gz',
  build: failingSchools,
  tables: ['marts.school_scorecard', 'marts.indicator_values', 'ref.units'],
});

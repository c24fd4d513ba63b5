/**
 * Reading the published scorecards of a period: what `safecampus score` prints and what the
 * pipeline's score step checks and reports. The scores themselves are models
 * (marts.school_scorecard, marts.unit_scorecard, marts.short_boards) built by the transform;
 * the reads are typed Kysely queries over the generated table types.
 */
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.ts';
import { typedWarehouse } from '../warehouse/kysely.ts';
import { isPeriodId } from './periods.ts';

export class NoScoresError extends Error {}

/** The latest complete year, else the latest year with data. */
export async function defaultPeriod(db: Warehouse): Promise<string | null> {
  const row = await typedWarehouse(db)
    .selectFrom('core.dim_periods')
    .select('period_id')
    .where('period_kind', '=', 'year')
    .orderBy('is_complete', 'desc')
    .orderBy('start_on', 'desc')
    .executeTakeFirst();
  return row?.period_id ?? null;
}

export async function readPeriodScores(db: Warehouse, period: string, unitCode?: string) {
  if (!(await db.tableExists('marts', 'unit_scorecard'))) throw new NoScoresError('no scores yet: run `safecampus transform` (or `safecampus run`) first');
  const q = typedWarehouse(db);
  const info = await q.selectFrom('core.dim_periods').select(['is_complete', 'as_of_on']).where('period_id', '=', period).executeTakeFirst();
  if (!info) {
    const range = await q
      .selectFrom('core.dim_periods')
      .select((eb) => [eb.fn.min('period_id').as('first'), eb.fn.max('period_id').as('last')])
      .where('period_kind', '=', 'year')
      .executeTakeFirst();
    throw new NoScoresError(`no data for period ${period}: the warehouse covers ${range?.first ?? '—'} to ${range?.last ?? '—'} (see \`safecampus status\`)`);
  }
  const units = await q
    .selectFrom('marts.unit_scorecard')
    .select(['unit_code', 'unit_name', 'school_mean', 'supervision_score', 'score', 'grade', 'is_vetoed', 'rank', 'previous_rank', 'rank_change', 'n_schools'])
    .where('period', '=', period)
    .orderBy(sql`rank nulls last`)
    .orderBy('score', 'desc')
    .orderBy('unit_code')
    .execute();
  const scores = { period, isComplete: Boolean(info.is_complete), asOf: info.as_of_on, units };
  if (unitCode === undefined) return scores;
  if (!units.some((u) => u.unit_code === unitCode)) {
    throw new NoScoresError(`unit ${unitCode} has no scored schools in ${period}; units: ${units.map((u) => `${u.unit_code} ${u.unit_name}`).join(', ')}`);
  }
  const schools = await q
    .selectFrom('marts.school_scorecard')
    .select(['school_code', 'school_name', 'school_type', 'score', 'grade', 'is_vetoed', 'veto_reason', 'rank', 'n_ranked', 'previous_rank', 'rank_change'])
    .where('period', '=', period)
    .where('unit_code', '=', unitCode)
    .orderBy('score', 'desc')
    .orderBy('school_code')
    .execute();
  const shortBoards = await q
    .selectFrom('marts.short_boards')
    .select(['indicator_id', 'indicator_name', 'board_rank', 'gap', 'suggestion'])
    .where('period', '=', period)
    .where('unit_code', '=', unitCode)
    .where('school_code', 'is', null)
    .orderBy('board_rank')
    .execute();
  return { ...scores, unit: { unit_code: unitCode, schools, shortBoards } };
}

export type PeriodScores = Awaited<ReturnType<typeof readPeriodScores>>;

/** What the pipeline's score step reports for each period it scored. */
export async function scoreSummary(db: Warehouse, periods: string[]) {
  const bad = periods.find((p) => !isPeriodId(p));
  if (bad !== undefined) throw new Error(`not a period id: "${bad}"`);
  if (!periods.length) return [];
  return typedWarehouse(db)
    .selectFrom('marts.unit_scorecard')
    .select((eb) => [
      'period',
      eb.fn.countAll<number>().as('units'),
      eb.fn.sum<number>('n_schools').as('schools'),
      eb.fn.sum<number>('n_vetoed_schools').as('vetoed_schools'),
    ])
    .where('period', 'in', periods)
    .groupBy('period')
    .orderBy('period')
    .execute();
}

// What several loaders read per period, and splitting their query results by period: every
// loader emits `by_period[p]`.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.generated.ts';

/** The rows of one period, without their `period` column. */
export function rowsOfPeriod<T extends { period: string }>(rows: T[], period: string): Array<Omit<T, 'period'>> {
  return rows.filter((r) => r.period === period).map(({ period: _, ...r }) => r);
}

/** Every period of core.dim_periods with its as-of day ('YYYY-MM-DD'), in period order. */
export function periodsAsOf(q: Kysely<Database>) {
  return q
    .selectFrom('core.dim_periods')
    .select((eb) => ['period_id', sql<string>`${eb.ref('as_of_on')}::varchar`.as('as_of_on')])
    .orderBy('period_id')
    .execute();
}

/**
 * The rows of `marts.unit_indicator_ranking` for some indicators, per period: one row per period,
 * unit and indicator, ranked units first, each with its indicator's target and direction.
 */
export function unitIndicatorRows(q: Kysely<Database>, indicatorIds: readonly string[]) {
  return q
    .selectFrom('marts.unit_indicator_ranking as r')
    .leftJoin('core.dim_periods as d', 'd.period_id', 'r.period')
    .leftJoin('ref.indicators as i', (join) => join.onRef('i.indicator_id', '=', 'r.indicator_id').onRef('i.edition', '=', 'd.definition_edition'))
    .select((eb) => [
      'r.period',
      'r.unit_code',
      'r.unit_name',
      'r.indicator_id',
      'r.indicator_name',
      'r.unit',
      'r.value',
      sql<number | null>`${eb.ref('r.numerator')}::double`.as('numerator'),
      sql<number | null>`${eb.ref('r.denominator')}::double`.as('denominator'),
      'r.rank',
      'i.target',
      'i.direction',
    ])
    .where('r.indicator_id', 'in', [...indicatorIds])
    .orderBy('r.period')
    .orderBy('r.indicator_id')
    .orderBy('r.rank', (order) => order.nullsLast())
    .orderBy('r.unit_code')
    .execute();
}

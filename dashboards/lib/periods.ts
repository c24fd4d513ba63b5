// Splitting loader query results by period: every loader emits `by_period[p]`.

/** The rows of one period, without their `period` column. */
export function rowsOfPeriod<T extends { period: string }>(rows: T[], period: string): Array<Omit<T, 'period'>> {
  return rows.filter((r) => r.period === period).map(({ period: _, ...r }) => r);
}

/**
 * The rows of `marts.unit_indicator_ranking` for some indicators, per period: one row per period,
 * unit and indicator, ranked units first.
 */
export function unitIndicatorSql(indicatorIds: readonly string[]): string {
  const ids = indicatorIds.map((id) => `'${id.replaceAll("'", "''")}'`).join(', ');
  return `select period, unit_code, unit_name, indicator_id, indicator_name, unit, value,
                 numerator::double as numerator, denominator::double as denominator, rank
          from marts.unit_indicator_ranking where indicator_id in (${ids})
          order by period, indicator_id, rank nulls last, unit_code`;
}

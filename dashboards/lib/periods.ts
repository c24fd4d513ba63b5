// Splitting loader query results by period: every loader emits `by_period[p]`.

/** The rows of one period, without their `period` column. */
export function rowsOfPeriod<T extends { period: string }>(rows: T[], period: string): Array<Omit<T, 'period'>> {
  return rows.filter((r) => r.period === period).map(({ period: _, ...r }) => r);
}

/**
 * The rows of `marts.unit_indicator_ranking` for some indicators, per period: one row per period,
 * unit and indicator, ranked units first, each with its indicator's target and direction.
 */
export function unitIndicatorSql(indicatorIds: readonly string[]): string {
  const ids = indicatorIds.map((id) => `'${id.replaceAll("'", "''")}'`).join(', ');
  return `select r.period, r.unit_code, r.unit_name, r.indicator_id, r.indicator_name, r.unit, r.value,
                 r.numerator::double as numerator, r.denominator::double as denominator, r.rank, i.target, i.direction
          from marts.unit_indicator_ranking r
          left join core.dim_periods d on d.period_id = r.period
          left join ref.indicators i on i.indicator_id = r.indicator_id and i.edition = d.definition_edition
          where r.indicator_id in (${ids})
          order by r.period, r.indicator_id, r.rank nulls last, r.unit_code`;
}

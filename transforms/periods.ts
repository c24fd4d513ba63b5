import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.ts';
import { typedWarehouse } from '../warehouse/kysely.ts';

/** Period identifiers: 2025, 2025-Q3, 2025-09, 2025-T1 (spring, Feb–Jul), 2025-T2 (autumn, Sep–Jan). */
const PERIOD_PATTERN = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2])|-T[12])?$/;

export function isPeriodId(text: string): boolean {
  return PERIOD_PATTERN.test(text);
}

export const PERIOD_HELP = '2025 (year), 2025-Q3 (quarter), 2025-09 (month), 2025-T1 (spring term Feb–Jul) or 2025-T2 (autumn term Sep–Jan)';

/** The latest year, quarter, month and term that have started by the warehouse's as-of day (core.dim_periods lists only those). */
export async function currentPeriods(db: Warehouse): Promise<string[]> {
  const rows = await typedWarehouse(db)
    .selectFrom('core.dim_periods')
    .select((eb) => sql<string>`arg_max(${eb.ref('period_id')}, ${eb.ref('start_on')})`.as('period_id'))
    .groupBy('period_kind')
    .orderBy('period_kind')
    .execute();
  return rows.map((r) => r.period_id);
}

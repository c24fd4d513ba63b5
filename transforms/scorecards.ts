/**
 * Reading the published scorecards of a period: what `safecampus score` prints and what the
 * pipeline's score step checks and reports. The scores themselves are models
 * (marts.school_scorecard, marts.unit_scorecard, marts.short_boards) built by the transform.
 */
import type { Warehouse } from '../warehouse/connection.ts';
import { isPeriodId } from './periods.ts';

export type UnitScore = {
  unit_code: string;
  unit_name: string;
  school_mean: number;
  supervision_score: number | null;
  score: number;
  grade: string;
  is_vetoed: boolean;
  rank: number | null;
  previous_rank: number | null;
  rank_change: number | null;
  n_schools: number;
};

export type SchoolScore = {
  school_code: string;
  school_name: string;
  school_type: string;
  score: number;
  grade: string;
  is_vetoed: boolean;
  veto_reason: string | null;
  rank: number;
  n_ranked: number;
  previous_rank: number | null;
  rank_change: number | null;
};

export type ShortBoard = {
  school_code: string | null;
  indicator_id: string;
  indicator_name: string;
  board_rank: number;
  gap: number;
  suggestion: string | null;
};

export interface PeriodScores {
  period: string;
  isComplete: boolean;
  asOf: string;
  units: UnitScore[];
  /** Only when a unit is asked for: its schools, ranked within type, and its short boards. */
  unit?: { unit_code: string; schools: SchoolScore[]; shortBoards: ShortBoard[] };
}

export class NoScoresError extends Error {}

/** The latest complete year, else the latest year with data. */
export async function defaultPeriod(db: Warehouse): Promise<string | null> {
  return db.value<string | null>(
    "select arg_max(period_id, (is_complete, start_on)) from core.dim_periods where period_kind = 'year'",
  );
}

export async function readPeriodScores(db: Warehouse, period: string, unitCode?: string): Promise<PeriodScores> {
  if (!(await db.tableExists('marts', 'unit_scorecard'))) throw new NoScoresError('no scores yet: run `safecampus transform` (or `safecampus run`) first');
  const info = await db.one<{ is_complete: boolean; as_of_on: string }>(
    'select is_complete, cast(as_of_on as varchar) as as_of_on from core.dim_periods where period_id = $1',
    [period],
  );
  if (!info) {
    const range = await db.one<{ first: string; last: string }>('select min(period_id) as first, max(period_id) as last from core.dim_periods where period_kind = \'year\'');
    throw new NoScoresError(`no data for period ${period}: the warehouse covers ${range?.first ?? '—'} to ${range?.last ?? '—'} (see \`safecampus status\`)`);
  }
  const units = await db.all<UnitScore>(
    `select unit_code, unit_name, school_mean, supervision_score, score, grade, is_vetoed, rank, previous_rank, rank_change, n_schools
     from marts.unit_scorecard where period = $1 order by rank nulls last, score desc, unit_code`,
    [period],
  );
  const result: PeriodScores = { period, isComplete: info.is_complete, asOf: info.as_of_on, units };
  if (unitCode !== undefined) {
    if (!units.some((u) => u.unit_code === unitCode)) {
      throw new NoScoresError(`unit ${unitCode} has no scored schools in ${period}; units: ${units.map((u) => `${u.unit_code} ${u.unit_name}`).join(', ')}`);
    }
    const schools = await db.all<SchoolScore>(
      `select school_code, school_name, school_type, score, grade, is_vetoed, veto_reason, rank, n_ranked, previous_rank, rank_change
       from marts.school_scorecard where period = $1 and unit_code = $2 order by score desc, school_code`,
      [period, unitCode],
    );
    const shortBoards = await db.all<ShortBoard>(
      `select school_code, indicator_id, indicator_name, board_rank, gap, suggestion
       from marts.short_boards where period = $1 and unit_code = $2 and school_code is null order by board_rank`,
      [period, unitCode],
    );
    result.unit = { unit_code: unitCode, schools, shortBoards };
  }
  return result;
}

/** What the pipeline's score step reports for each period it scored. */
export async function scoreSummary(db: Warehouse, periods: string[]) {
  const bad = periods.find((p) => !isPeriodId(p));
  if (bad !== undefined) throw new Error(`not a period id: "${bad}"`);
  const list = periods.map((p) => `'${p}'`).join(', ') || 'null';
  return db.all<{ period: string; units: number; schools: number; vetoed_schools: number; mean_score: number }>(
    `select units.period, count(*) as units, sum(units.n_schools) as schools, sum(units.n_vetoed_schools) as vetoed_schools,
            round(avg(units.school_mean), 2) as mean_score
     from marts.unit_scorecard as units
     where units.period in (${list})
     group by units.period order by units.period`,
  );
}

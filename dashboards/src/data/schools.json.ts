// The school search index for the 学校 page: every school with a scorecard, once, in
// columns (one array per field) so thousands of schools stay a small file. The school's
// details live in its unit's chunk (data/schools/[unit].json), fetched by /schools/UNIT.
//
// Grain of the output: one JSON document; index arrays have one entry per school.
import { runLoader, type Snapshot } from '../../lib/snapshot.ts';

async function schools(snapshot: Snapshot) {
  const rows = await snapshot.query<{ school_code: string; school_name: string; unit_code: string; school_type: string; grade: string | null; period: string }>(
    `select school_code, arg_max(school_name, period) as school_name, arg_max(unit_code, period) as unit_code,
            arg_max(school_type, period) as school_type, arg_max(grade, period) as grade, max(period) as period
     from marts.school_scorecard where regexp_full_match(period, '\\d{4}')
     group by school_code order by school_code`,
  );
  const units = await snapshot.query<{ unit_code: string; unit_name: string }>('select unit_code, unit_name from ref.units order by unit_code');
  const unitIndex = new Map(units.map((u, i) => [u.unit_code, i]));
  return {
    scope: snapshot.scope,
    units,
    codes: rows.map((r) => r.school_code),
    names: rows.map((r) => r.school_name),
    unit: rows.map((r) => unitIndex.get(r.unit_code) ?? -1),
    types: rows.map((r) => r.school_type),
    grades: rows.map((r) => r.grade),
  };
}

await runLoader('schools.json', schools, ['marts.school_scorecard']);

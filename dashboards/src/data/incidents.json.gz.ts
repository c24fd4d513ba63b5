// Data for the 事故案件 page, per year and term: cases by category and severity, by unit, and
// the schools with cases — all three as transforms/published-cases.ts protects them (DOMAIN.md
// §6): a school's 性侵害, 心理危机 or deaths of 1 or 2 is written "<3", and any other count a
// reader could subtract to find it is written "—" (complementary suppression, docs/privacy.md),
// here in the loader, so the exact small number never leaves the warehouse. A school row
// carries no overall total or severity split.
//
// Grain of the output: one gzip-compressed JSON document (lib/gzip.ts: a province has
// thousands of schools with cases); by_period[p].by_category one row per category
// and severity, by_unit one row per unit, schools one row per school with a case.
import { sql } from 'kysely';
import { gzipJson } from '../../lib/gzip.ts';
import { siteLoader } from '../../lib/loader.ts';
import { typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';
import { caseGroups, publishCases } from '../../../transforms/published-cases.ts';
import { SENSITIVE_CATEGORIES, type Published } from '../../../transforms/small-counts.ts';

/** For ordering: a withheld count sorts as unknown (last), "<3" as 1. */
const sortValue = (v: Published) => (typeof v === 'number' ? v : v === '<3' ? 1 : -1);

async function incidents(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  const periods = (await q.selectFrom('core.dim_periods').select('period_id').where('period_kind', 'in', [sql.lit('year'), sql.lit('term')]).orderBy('period_id').execute()).map((r) => r.period_id);
  const groups = await caseGroups(q).where('p.period_id', 'in', periods).execute();
  const schoolNames = new Map(
    (await q.selectFrom('core.dim_schools').select(['school_code', 'school_name', 'school_type']).where('is_current', '=', sql.lit(true)).execute()).map((s) => [s.school_code, s]),
  );
  const unitNames = new Map((await q.selectFrom('ref.units').select(['unit_code', 'unit_name']).execute()).map((u) => [u.unit_code, u.unit_name]));
  /** A case at a school the registry did not list on that day has no unit. */
  const unitName = (code: string | null) => (code === null ? null : (unitNames.get(code) ?? null));
  const byPeriod = Object.fromEntries(
    periods.map((p) => {
      const { by_category, by_unit, schools } = publishCases(groups.filter((g) => g.period === p));
      return [
        p,
        {
          by_category: by_category.sort((a, b) => sortValue(b.n_cases) - sortValue(a.n_cases) || a.category.localeCompare(b.category) || a.severity.localeCompare(b.severity)),
          by_unit: by_unit
            .map(({ unit_code, ...row }) => ({ unit_code, unit_name: unitName(unit_code), ...row }))
            .sort((a, b) => sortValue(b.n_cases) - sortValue(a.n_cases) || (a.unit_code ?? '').localeCompare(b.unit_code ?? '')),
          schools: schools
            .map(({ school_code, unit_code, ...row }) => ({
              school_code,
              school_name: schoolNames.get(school_code)?.school_name ?? null,
              school_type: schoolNames.get(school_code)?.school_type ?? null,
              unit_code,
              unit_name: unitName(unit_code),
              ...row,
            }))
            .sort((a, b) => sortValue(b.n_other) - sortValue(a.n_other) || a.school_code.localeCompare(b.school_code)),
        },
      ];
    }),
  );
  return gzipJson({ scope: snapshot.scope, sensitive_categories: SENSITIVE_CATEGORIES, by_period: byPeriod });
}

export default await siteLoader(import.meta, {
  output: 'incidents.json.gz',
  tables: ['core.fct_cases', 'core.dim_periods', 'core.dim_period_days', 'core.dim_schools'],
  build: incidents,
});

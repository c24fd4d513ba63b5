/**
 * The report's evidence: the rows behind each unmet indicator of its one school or unit, from
 * the shared evidence queries (transforms/evidence.ts, which the site reads too), and H1's case
 * counts per school as the 事故案件 page publishes them, small counts of sensitive categories and
 * deaths protected (transforms/small-counts.ts).
 */
import type { Warehouse } from '../../warehouse/connection.ts';
import { typedWarehouse } from '../../warehouse/kysely.ts';
import { evidenceByScope, evidenceQueriesFor, type EvidenceTable } from '../../transforms/evidence.ts';
import { caseGroups, publishCases } from '../../transforms/published-cases.ts';
import { SENSITIVE_CATEGORIES } from '../../transforms/small-counts.ts';

export { EVIDENCE_LIMIT, type EvidenceTable } from '../../transforms/evidence.ts';

/** The evidence tables of the given indicators for a scope (school or unit code). */
export async function readEvidence(db: Warehouse, period: string, scope: string, indicatorIds: string[]): Promise<Map<string, EvidenceTable[]>> {
  const out = new Map<string, EvidenceTable[]>();
  for (const { query, indicators } of evidenceQueriesFor(indicatorIds)) {
    // one scope by its code, school or unit alike: the level only names the scopes of a read without a code
    const found = await evidenceByScope((sql, params) => db.all(sql, params), query, { period, code: scope, level: 'school' });
    const table = found.get(scope) ?? { title: query.title, headers: query.headers, rows: [], total: 0 };
    for (const id of indicators) out.set(id, [...(out.get(id) ?? []), table]);
  }
  if (indicatorIds.includes('H1')) out.set('H1', [await caseCounts(db, period, scope)]);
  return out;
}

/**
 * H1: the scope's schools with cases in the period, as the 事故案件 page publishes them — the
 * city's case tables of the period protected once (transforms/published-cases.ts), then the
 * scope's rows, so a report and the page show the same "<3" and "—" and neither undoes the other.
 */
async function caseCounts(db: Warehouse, period: string, scope: string): Promise<EvidenceTable> {
  const groups = await caseGroups(typedWarehouse(db)).where('p.period_id', '=', period).execute();
  const names = new Map(
    (await db.all<{ school_code: string; school_name: string }>(`select school_code, school_name from core.int_school_periods where period_id = $1 and (school_code = $2 or unit_code = $2) order by school_code`, [period, scope])).map((s) => [s.school_code, s.school_name]),
  );
  const rows = publishCases(groups).schools.filter((s) => names.has(s.school_code)).sort((a, b) => a.school_code.localeCompare(b.school_code));
  return {
    title: '期内事故案件（按学校）',
    headers: ['学校', '其他案件', ...SENSITIVE_CATEGORIES, '受伤人数', '死亡人数'],
    rows: rows.map((r) => [names.get(r.school_code)!, r.n_other, ...SENSITIVE_CATEGORIES.map((c) => r.sensitive[c]!), r.n_injured, r.n_deaths]),
    total: rows.length,
    note: `为保护未成年人隐私，${SENSITIVE_CATEGORIES.join('、')}案件数和死亡人数为 1 或 2 时显示为“<3”；“—”为不公开的数字（与“事故案件”页面相同），以免由合计倒推出“<3”。`,
  };
}

// The case tables as they may be published (DOMAIN.md §6), one period at a time: cases by
// category and severity (city), by county, and per school with a case — every count a reader
// could subtract from another run through protectCounts (small-counts.ts), so the 事故案件
// page, its data file and the reports' case evidence show the same protected numbers.
//
// The sums a reader can see, and that the protection therefore covers:
//   - a category's cases = its severities' cases (city) = its schools' cases;
//   - a county's cases = its schools' 其他案件 + their sensitive cases; the counties' cases =
//     the city's cases (the overview's 案件数, withheld only when nothing else can be);
//   - a county's weighted cases = Σ severity weight × its cases of that severity, its late
//     reports ≤ its cases, and each severity's county cases add up to the city's (the county ×
//     severity counts and the cases not reported late are never shown: hidden cells);
//   - a county's deaths = its schools' deaths; the counties' deaths = the categories' deaths.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../warehouse/schema.generated.ts';
import { isSensitiveCategory, protectCounts, SENSITIVE_CATEGORIES, type Cell, type Published, type Relation } from './small-counts.ts';

/** The cases of every period (year, term, quarter, month…) per school, category and severity: the cells every published case table is summed from. */
export function caseGroups(q: Kysely<Database>) {
  return q
    .selectFrom('core.fct_cases as c')
    .innerJoin('core.dim_period_days as p', (join) => join.on((eb) => sql<boolean>`${eb.ref('p.day_on')} = ${eb.ref('c.occurred_at')}::date`))
    .select((eb) => [
      'p.period_id as period',
      'c.school_code',
      'c.unit_code',
      'c.category',
      'c.severity',
      sql<number>`any_value(${eb.ref('c.severity_weight')})::integer`.as('severity_weight'),
      sql<number>`count(*)::integer`.as('n_cases'),
      sql<number>`coalesce(sum(${eb.ref('c.n_injured')}), 0)::integer`.as('n_injured'),
      sql<number>`coalesce(sum(${eb.ref('c.n_deaths')}), 0)::integer`.as('n_deaths'),
      sql<number>`count(*) filter (where ${eb.ref('c.is_late_reported')})::integer`.as('n_late_reported'),
    ])
    .groupBy(sql`all`);
}

/** One cell group; unit_code is null for a case at a school the registry did not yet list on that day. */
export type CaseGroup = Awaited<ReturnType<ReturnType<typeof caseGroups>['execute']>>[number];

export interface PublishedCases {
  /** All cases of the period (the overview's 案件数). */
  n_cases: Published;
  by_category: Array<{ category: string; severity: string; n_cases: Published; n_injured: number; n_deaths: Published }>;
  by_unit: Array<{ unit_code: string | null; n_cases: Published; weighted: Published; n_late_reported: Published; n_deaths: Published }>;
  schools: Array<{ school_code: string; unit_code: string | null; n_other: Published; sensitive: Record<string, Published>; n_injured: number; n_deaths: Published }>;
}

/**
 * Published tables by the hash of their case groups (as JSON, in canonical order): a site build asks
 * for at most a few dozen periods; bounded for a long-lived worker, whose later builds start afresh.
 */
const publishedByGroups = new Map<string, PublishedCases>();
const REMEMBERED = 128;

const groupOrder = (a: CaseGroup, b: CaseGroup) =>
  a.period.localeCompare(b.period) ||
  a.school_code.localeCompare(b.school_code) ||
  a.category.localeCompare(b.category) ||
  a.severity.localeCompare(b.severity);

/**
 * The protected tables of one period's case groups, the same whatever order the groups come in (a
 * grouping query returns them in no fixed order, and two pages choosing different cells to
 * withhold could together give a "<3" away). The search for the cells to withhold is costly and
 * several loaders of one site build ask for the same periods, so results are remembered; each
 * caller gets its own copy.
 */
export function publishCases(groups: CaseGroup[]): PublishedCases {
  const ordered = [...groups].sort(groupOrder);
  const key = createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
  let published = publishedByGroups.get(key);
  if (!published) {
    published = protectedTables(ordered);
    if (publishedByGroups.size >= REMEMBERED) publishedByGroups.clear();
    publishedByGroups.set(key, published);
  }
  return structuredClone(published);
}

function protectedTables(groups: CaseGroup[]): PublishedCases {
  const cells = new Map<string, Cell>();
  const add = (id: string, value: number, shape: Omit<Cell, 'id' | 'value'>) => {
    const cell = cells.get(id) ?? { id, value: 0, ...shape };
    cell.value += value;
    cells.set(id, cell);
  };
  const relations: Relation[] = [];
  const sum = (total: string, parts: string[]) => relations.push([[total, -1], ...[...new Set(parts)].map((p): [string, number] => [p, 1])]);

  const schools = [...new Map(groups.map((g) => [g.school_code, g.unit_code])).entries()];
  const units = [...new Set(groups.map((g) => g.unit_code))];
  const categories = [...new Map(groups.map((g) => [`${g.category}|${g.severity}`, g])).values()];
  const severities = [...new Map(groups.map((g) => [g.severity, g.severity_weight])).entries()];
  add('city', 0, { tier: 4 });
  for (const [school] of schools) {
    add(`o:${school}`, 0, { tier: 1 });
    for (const c of SENSITIVE_CATEGORIES) add(`s:${school}:${c}`, 0, { sensitive: true, tier: 0 });
    add(`d:${school}`, 0, { sensitive: true, tier: 0 });
  }
  for (const g of groups) {
    add('city', g.n_cases, {});
    add(isSensitiveCategory(g.category) ? `s:${g.school_code}:${g.category}` : `o:${g.school_code}`, g.n_cases, {});
    add(`d:${g.school_code}`, g.n_deaths, {});
    for (const [prefix, value] of [['u', g.n_cases], ['w', g.n_cases * g.severity_weight], ['l', g.n_late_reported], ['ud', g.n_deaths]] as const) add(`${prefix}:${g.unit_code}`, value, { tier: 2 });
    add(`m:${g.unit_code}:${g.severity}`, g.n_cases, { hidden: true });
    add(`ls:${g.unit_code}`, g.n_cases - g.n_late_reported, { hidden: true });
    add(`c:${g.category}:${g.severity}`, g.n_cases, { tier: 3 });
    add(`cd:${g.category}:${g.severity}`, g.n_deaths, { tier: 3 });
  }
  for (const c of SENSITIVE_CATEGORIES) {
    const rows = categories.filter((g) => g.category === c);
    if (rows.length) relations.push([...rows.map((g): [string, number] => [`c:${c}:${g.severity}`, -1]), ...schools.map(([s]): [string, number] => [`s:${s}:${c}`, 1])]);
  }
  for (const u of units) {
    const own = schools.filter(([, unit]) => unit === u).map(([s]) => s);
    sum(`u:${u}`, own.flatMap((s) => [`o:${s}`, ...SENSITIVE_CATEGORIES.map((c) => `s:${s}:${c}`)]));
    sum(`ud:${u}`, own.map((s) => `d:${s}`));
    const mine = severities.filter(([sev]) => cells.has(`m:${u}:${sev}`));
    sum(`u:${u}`, mine.map(([sev]) => `m:${u}:${sev}`));
    relations.push([[`w:${u}`, -1], ...mine.map(([sev, weight]): [string, number] => [`m:${u}:${sev}`, weight])]);
    sum(`u:${u}`, [`l:${u}`, `ls:${u}`]);
  }
  for (const [sev] of severities) {
    relations.push([...units.filter((u) => cells.has(`m:${u}:${sev}`)).map((u): [string, number] => [`m:${u}:${sev}`, 1]), ...categories.filter((g) => g.severity === sev).map((g): [string, number] => [`c:${g.category}:${g.severity}`, -1])]);
  }
  sum('city', units.map((u) => `u:${u}`));
  sum('city', categories.map((g) => `c:${g.category}:${g.severity}`));
  relations.push([...units.map((u): [string, number] => [`ud:${u}`, 1]), ...categories.map((g): [string, number] => [`cd:${g.category}:${g.severity}`, -1])]);

  const shown = protectCounts([...cells.values()], relations);
  const at = (id: string) => shown.get(id)!;
  const injured = (pick: (g: CaseGroup) => boolean) => groups.filter(pick).reduce((n, g) => n + g.n_injured, 0);
  return {
    n_cases: at('city'),
    by_category: categories.map((g) => ({ category: g.category, severity: g.severity, n_cases: at(`c:${g.category}:${g.severity}`), n_injured: injured((x) => x.category === g.category && x.severity === g.severity), n_deaths: at(`cd:${g.category}:${g.severity}`) })),
    by_unit: units.map((u) => ({ unit_code: u, n_cases: at(`u:${u}`), weighted: at(`w:${u}`), n_late_reported: at(`l:${u}`), n_deaths: at(`ud:${u}`) })),
    schools: schools.map(([s, u]) => ({
      school_code: s,
      unit_code: u,
      n_other: at(`o:${s}`),
      sensitive: Object.fromEntries(SENSITIVE_CATEGORIES.map((c) => [c, at(`s:${s}:${c}`)])),
      n_injured: injured((g) => g.school_code === s),
      n_deaths: at(`d:${s}`),
    })),
  };
}

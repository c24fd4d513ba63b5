// The official files of each approved 年度考核 that the site ships beside its pages: the signed
// report (PDF) and the ranking workbook (XLSX) the approval wrote next to the approved frozen file
// (workflows/appraisal-steps.ts: <published_path's folder>/report/). The 年度考核 loader links
// them and buildSite copies them, both from this one list, so a link never points at a file the
// site lacks. A unit-scoped build ships none: the files rank every unit's schools.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sql } from 'kysely';
import { typedSnapshot, type Snapshot } from './snapshot.ts';

const FILES = [
  { kind: 'pdf', name: 'report.pdf', label: '考核报告（PDF）' },
  { kind: 'xlsx', name: 'ranking.xlsx', label: '考核排名表（Excel）' },
] as const;

export interface AppraisalFile {
  year: number;
  kind: (typeof FILES)[number]['kind'];
  label: string;
  /** Where the approval wrote it. */
  source: string;
  /** Its path in the site, from the site's root. */
  href: string;
}

/** The files of the latest approval of each year that exist on disk; none in a unit-scoped build. */
export async function appraisalFiles(snapshot: Snapshot): Promise<AppraisalFile[]> {
  if (snapshot.scope || !snapshot.has('audit.appraisals')) return [];
  const q = typedSnapshot(snapshot);
  const approved = await q
    .selectFrom(
      q
        .selectFrom('audit.appraisals')
        .select((eb) => ['year', 'published_path', sql<number>`row_number() over (partition by ${eb.ref('year')} order by ${eb.ref('decided_at')} desc)`.as('latest')])
        .where('status', '=', 'approved')
        .as('a'),
    )
    .select(['year', 'published_path'])
    .where('latest', '=', 1)
    .orderBy('year', 'desc')
    .execute();
  return approved.flatMap(({ year, published_path }) =>
    published_path === null
      ? []
      : FILES.map((f) => ({ year, kind: f.kind, label: f.label, source: join(dirname(resolve(published_path)), 'report', f.name), href: `appraisal-files/${year}/${f.name}` })).filter((f) =>
          existsSync(f.source),
        ),
  );
}

/**
 * schools: the registry as the provincial system exports it — one XLSX per year, two
 * reports in it (1 March and 1 September), Chinese headers, real Excel date cells.
 * Every second year of the period uses header aliases and type codes (21 for 小学 …).
 */
import type { ManifestFile } from '../manifest.ts';
import { closeAll, openExport, type ExportContext } from '../context.ts';
import { asExcelDate, asNumber, asYesNo, asCode, type Row } from '../format.ts';
import { contractColumns, extraColumn } from '../layout.ts';
import { TYPE_CODES, type School, type SchoolReport } from '../registry.ts';

function layout(useAliases: boolean) {
  const numbers = { enrollment: asNumber, boarders: asNumber, staff: asNumber, guards: asNumber };
  const dates = { opened_on: asExcelDate, closed_on: asExcelDate, reported_on: asExcelDate };
  const columns = contractColumns(
    'schools',
    'zh',
    { ...numbers, ...dates, is_near_water: asYesNo, school_type: useAliases ? asCode(TYPE_CODES) : (v) => v as string },
    useAliases ? { school_code: '学校代码', school_type: '办学类型', enrollment: '学生数', reported_on: '统计日期' } : {},
  );
  return [extraColumn('序号', (_row, n) => n), ...columns, extraColumn('备注', (row) => (row.note as string) || null)];
}

function registryRow(school: School, report: SchoolReport, note: string): Row {
  return {
    school_code: school.code,
    school_name: report.name,
    unit_code: report.unitCode,
    school_type: school.type,
    ownership: school.ownership,
    enrollment: report.enrollment,
    boarders: report.boarders,
    staff: report.staff,
    guards: report.guards,
    is_near_water: school.isNearWater,
    opened_on: school.openedOn,
    closed_on: report.closedOn,
    reported_on: report.reportedOn,
    note,
  };
}

/** What changed since the school's previous report, in the clerk's words. */
function changeNote(previous: SchoolReport | null, report: SchoolReport, ctx: ExportContext): string {
  if (!previous) return '';
  const { merge } = ctx.city.story.events;
  if (report.closedOn !== null) return merge && report.closedOn === merge.closedOn ? `并入${merge.absorber}` : '撤销';
  if (previous.name !== report.name) return `原名：${previous.name}`;
  if (previous.unitCode !== report.unitCode) return `由${previous.unitCode}划转`;
  return '';
}

export async function writeSchools(ctx: ExportContext): Promise<ManifestFile[]> {
  const { city } = ctx;
  const seen = new Set<string>();
  const entries: ManifestFile[] = [];
  for (const [y, year] of city.years.entries()) {
    const file = openExport(ctx, { file: `schools/schools_${year}.xlsx`, source: 'schools', format: 'xlsx', columns: layout(y % 2 === 1) });
    for (const r of [2 * y, 2 * y + 1]) {
      for (const school of city.schools) {
        const report = school.reports[r];
        if (!report) continue;
        // A school's first report always lands, so later rows (and other sources) can rely on the code being known.
        const first = !seen.has(school.code);
        seen.add(school.code);
        file.add(registryRow(school, report, changeNote(school.reports[r - 1] ?? null, report, ctx)), {
          keepClean: first,
          schoolCodeProblems: 'lost-digits',
        });
        await file.drain();
      }
    }
    entries.push(...(await closeAll([file])));
  }
  return entries;
}

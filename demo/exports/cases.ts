/**
 * cases: rare incidents. Bullying is the most common (in term), drowning mostly in
 * summer at near-water schools, fire in winter. Most are reported within hours; only
 * 一般 cases are ever reported more than a day late — except the story's planted veto
 * cases (a death in 禹州市, a 较大 case reported days late in 许昌经济技术开发区). No other
 * case has a death.
 *
 * Format: the incident system's UTF-8-with-BOM CSV, Chinese headers, datetimes like
 * 2024年03月05日 10:05, one file per year; every second year uses header aliases.
 */
import { momentOf, monthDays, termOn, type Day, type Moment } from '../calendar.ts';
import { closeAll, isOpen, openCorrections, openExport, type ExportContext } from '../context.ts';
import type { FileSpec } from '../export-file.ts';
import type { ManifestFile } from '../manifest.ts';
import { asDateTime, asNumber, type Row } from '../format.ts';
import { contractColumns, extraColumn } from '../layout.ts';
import { chineseName, mobilePhone, studentIdNumber } from '../people.ts';
import { profileOf } from '../profiles.ts';
import { streamFor, type Rng } from '../random.ts';
import { stateOn, type School, type SchoolReport } from '../registry.ts';
import type { PlantedCase } from '../story.ts';

type Category = '欺凌' | '溺水' | '意外伤害' | '火灾' | '交通' | '食品安全' | '性侵害' | '校园侵害' | '心理危机';
type Severity = '一般' | '较大' | '重大';

const NO_STUDENT: Category[] = ['火灾', '食品安全'];
const SUMMARIES: Record<Category, string[]> = {
  欺凌: ['课间多名学生围堵一名同学并推搡', '宿舍内多次索要财物', '网络群聊中辱骂同学,已通知家长'],
  溺水: ['学生周末结伴到河边游泳', '学生在坑塘边玩耍落水'],
  意外伤害: ['体育课跑步摔伤', '课间追逐碰撞受伤', '楼梯拥挤踩踏'],
  火灾: ['配电室线路老化起火', '食堂油锅起火', '宿舍违规使用电器起火'],
  交通: ['放学途中被电动车撞伤', '校车进站剐蹭'],
  食品安全: ['食堂午餐后多名学生腹痛', '校外小卖部食品过期'],
  性侵害: ['校外人员骚扰学生,已报警'],
  校园侵害: ['校外人员闯入校园', '家长与教师发生冲突'],
  心理危机: ['学生流露轻生念头', '学生自伤'],
};

function categoryWeights(school: School, month: number, inTerm: boolean): [Category, number][] {
  const summer = month >= 5 && month <= 9;
  const kindergarten = school.type === '幼儿园';
  return [
    ['欺凌', kindergarten ? 0 : inTerm ? 35 : 5],
    ['意外伤害', 25],
    ['心理危机', kindergarten || !inTerm ? 0 : 10],
    ['交通', 8],
    ['食品安全', inTerm ? 5 : 0],
    ['校园侵害', 5],
    ['溺水', summer ? (school.isNearWater ? 30 : 6) : 0],
    ['火灾', month >= 11 || month <= 2 ? 12 : 2],
    ['性侵害', kindergarten ? 0 : 3],
  ];
}

function occurredAt(rng: Rng, day: Day, category: Category): Moment {
  const hour = category === '交通' ? rng.pick([7, 16, 17]) : category === '溺水' ? rng.int(13, 19) : category === '火灾' ? rng.int(0, 23) : rng.int(8, 17);
  return momentOf(day, hour, rng.int(0, 59));
}

function caseRow(rng: Rng, ctx: ExportContext, school: School, state: SchoolReport, category: Category, occurred: Moment, id: string): Row {
  const severity: Severity = rng.weighted(
    category === '溺水' || category === '食品安全' ? [['一般', 0.65], ['较大', 0.3], ['重大', 0.05]] : [['一般', 0.88], ['较大', 0.1], ['重大', 0.02]],
  );
  const injured = category === '食品安全' && severity !== '一般' ? rng.int(5, 30) : severity === '一般' ? rng.int(0, 2) : severity === '较大' ? rng.int(1, 4) : rng.int(3, 8);
  let delayHours = rng.lognormal(1.5, 1);
  if (severity === '一般' && rng.chance(0.08)) delayHours = rng.float(26, 72);
  if (severity !== '一般') delayHours = Math.min(delayHours, 20);
  const reported = occurred + Math.max(10, Math.round(delayHours * 60)) * 60;
  const investigationDays = rng.lognormal(category === '欺凌' ? 5 : 12, 0.6);
  const accountability =
    severity === '一般'
      ? rng.weighted([['无', 0.85], ['约谈', 0.15]])
      : severity === '较大'
        ? rng.weighted([['约谈', 0.5], ['通报', 0.4], ['处分', 0.1]])
        : rng.weighted([['通报', 0.5], ['处分', 0.5]]);
  return finish(ctx, rng, school, state, {
    case_id: id,
    school_code: school.code,
    occurred_at: occurred,
    reported_at: reported,
    category,
    severity,
    n_injured: injured,
    n_deaths: 0,
    // whole minutes, as the export spells it (年月日 时:分): the row is what the file says
    investigation_closed_at: reported + Math.round(investigationDays * 1440) * 60,
    accountability,
  });
}

/** Status, PII and the cut-off: an investigation not closed by the cut-off is still 处理中. */
function finish(ctx: ExportContext, rng: Rng, school: School, state: SchoolReport, row: Row): Row {
  const cutoffEnd = momentOf(ctx.city.cutoff, 23, 59);
  const open = (row.investigation_closed_at as number) > cutoffEnd;
  const student = !NO_STUDENT.includes(row.category as Category);
  const day = Math.floor((row.occurred_at as number) / 86_400);
  return {
    ...row,
    investigation_closed_at: open ? null : row.investigation_closed_at,
    status: open ? '处理中' : '已结案',
    accountability: open ? null : row.accountability,
    student_name: student ? chineseName(rng) : null,
    student_id_number: student ? studentIdNumber(rng, school.type, day, state.unitCode, ctx.city.idAreas) : null,
    guardian_phone: student ? mobilePhone(rng) : null,
    school_name: state.name,
    summary: rng.pick(SUMMARIES[row.category as Category]),
  };
}

function plantedRow(ctx: ExportContext, planted: PlantedCase, kind: 'death' | 'late'): Row {
  const school = ctx.city.schools.find((s) => s.code === planted.schoolCode)!;
  const rng = streamFor(ctx.city.seed, 'planted-case', planted.caseId);
  const day = Math.floor(planted.occurredAt / 86_400);
  const death = kind === 'death';
  return finish(ctx, rng, school, stateOn(school, day)!, {
    case_id: planted.caseId,
    school_code: school.code,
    occurred_at: planted.occurredAt,
    reported_at: planted.reportedAt,
    category: death ? '溺水' : '欺凌',
    severity: '较大',
    n_injured: death ? 0 : 2,
    n_deaths: death ? 1 : 0,
    investigation_closed_at: planted.reportedAt + rng.int(death ? 20 : 12, death ? 40 : 20) * 86_400,
    accountability: death ? '处分' : '通报',
  });
}

export function casesSpec(file: string, useAliases: boolean): FileSpec {
  const datetime = asDateTime('zh-minute');
  const columns = contractColumns(
    'cases',
    'zh',
    { occurred_at: datetime, reported_at: datetime, investigation_closed_at: datetime, n_injured: asNumber, n_deaths: asNumber },
    useAliases ? { case_id: '事件编号', occurred_at: '事发时间', category: '案件类别', severity: '事故等级' } : {},
  );
  columns.splice(2, 0, extraColumn('学校名称', (row) => row.school_name as string));
  columns.push(extraColumn('简要经过', (row) => row.summary as string));
  return { file, source: 'cases', format: 'csv-utf8-bom', columns };
}

export async function writeCases(ctx: ExportContext): Promise<ManifestFile[]> {
  const { city } = ctx;
  const entries: ManifestFile[] = [];
  for (const [y, year] of city.years.entries()) {
    const spec = casesSpec(`cases/cases_${year}.csv`, y % 2 === 1);
    const corrections = openCorrections(ctx, { ...spec, file: `cases/cases_${year}.revised.csv` });
    const file = openExport(ctx, spec, { corrections });
    const planted = [
      ...city.story.deaths.filter((c) => c.year === year).map((c) => ({ c, kind: 'death' as const })),
      ...city.story.lateReports.filter((c) => c.year === year).map((c) => ({ c, kind: 'late' as const })),
    ];
    for (let month = 1; month <= 12; month++) {
      const days = monthDays(year, month);
      const rows: Row[] = [];
      for (const school of city.schools) {
        const state = stateOn(school, days[0]);
        if (!state) continue;
        const rng = streamFor(city.seed, 'cases', school.code, year, month);
        const inTerm = days.some((d) => termOn(d) !== null);
        const rate = (0.08 / 12) * Math.sqrt(state.enrollment / 500) * profileOf(state.unitCode).caseFactor * (inTerm ? 1.1 : 0.8);
        for (let n = rng.poisson(rate), seq = 1; n > 0; n--, seq++) {
          const category = rng.weighted(categoryWeights(school, month, inTerm));
          const day = rng.pick(days);
          if (!isOpen(school, day)) continue;
          const id = `AJ${year}-${school.code}-${String(month).padStart(2, '0')}${String(seq).padStart(2, '0')}`;
          rows.push(caseRow(rng, ctx, school, stateOn(school, day)!, category, occurredAt(rng, day, category), id));
        }
      }
      for (const { c, kind } of planted) if (Math.floor(c.occurredAt / 86_400) >= days[0] && Math.floor(c.occurredAt / 86_400) <= days[days.length - 1]) rows.push(plantedRow(ctx, c, kind));
      rows.sort((a, b) => (a.occurred_at as number) - (b.occurred_at as number));
      for (const row of rows) {
        const stale = row.status === '已结案' ? () => ({ ...row, status: '处理中', investigation_closed_at: null, accountability: null }) : undefined;
        file.add(row, { stale });
      }
      await file.drain();
    }
    entries.push(...(await closeAll([file, corrections], [corrections])));
  }
  return entries;
}

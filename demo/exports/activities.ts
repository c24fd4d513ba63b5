/**
 * activities: the programme work schools log (drills, lessons, parent letters, surveys,
 * screening, mental-health courses, water patrols, responsibility letters) and the
 * supervision actions units take (约谈, 交办函, 提示函, 处罚). Whether a required
 * activity happens, and how complete it is, follows the unit's profile.
 *
 * Format, split by who reports: schools fill the bureau's XLSX template (Chinese headers,
 * dates as bare Excel serial numbers — the template lost its date format —, one file per year); units' supervision actions come from the
 * supervision platform's API as a JSON array with English keys and text values.
 */
import { dayOf, daysInMonth, schoolDays, weekday, type Day } from '../calendar.ts';
import { closeAll, isOpen, openExport, type ExportContext } from '../context.ts';
import type { ExportFile } from '../export-file.ts';
import type { ManifestFile } from '../manifest.ts';
import { asDate, asExcelSerial, asNumber, type Row } from '../format.ts';
import { contractColumns, extraColumn } from '../layout.ts';
import { profileOf, type UnitProfile } from '../profiles.ts';
import { streamFor, type Rng } from '../random.ts';
import { stateOn, type School, type SchoolReport } from '../registry.ts';

type Topic = '防溺水' | '防欺凌' | '消防' | '交通' | '心理健康' | '综合';
type ProgrammeField = 'topic' | 'n_participants' | 'n_sent' | 'n_returned' | 'n_screened' | 'n_warned' | 'n_tracked' | 'note';

/** Safety lessons planned per month: drowning twice each term (winter ice in December). */
const LESSONS: Record<number, Topic[]> = {
  1: ['综合'],
  2: ['综合'],
  3: ['防欺凌', '消防'],
  4: ['交通', '防溺水'],
  5: ['防溺水', '心理健康'],
  6: ['防溺水'],
  7: ['综合'],
  9: ['综合', '交通', '防溺水'],
  10: ['防欺凌', '心理健康'],
  11: ['消防', '防欺凌'],
  12: ['防溺水', '交通'],
};
const KINDERGARTEN_DRILL_MONTHS = [3, 6, 9, 12];
const NOT_FOR_KINDERGARTENS: Topic[] = ['防欺凌', '心理健康'];

const share = (rng: Rng, level: number, spread = 0.05) => Math.min(1, Math.max(0.3, level + rng.float(-spread, spread)));

function schoolMonth(rng: Rng, school: School, state: SchoolReport, year: number, month: number, profile: UnitProfile): Row[] {
  const rows: Row[] = [];
  const kindergarten = school.type === '幼儿园';
  const term = schoolDays(year, month);
  const everyone = state.enrollment + state.staff;
  const add = (day: Day, activity_kind: string, fields: Partial<Record<ProgrammeField, string | number>>) => {
    if (!isOpen(school, day)) return;
    const id = `HD${year}${String(month).padStart(2, '0')}-${school.code}-${String(rows.length + 1).padStart(2, '0')}`;
    // Every column spelled out: rows of one shape keep the writer fast.
    rows.push({
      activity_id: id,
      school_code: school.code,
      unit_code: state.unitCode,
      activity_on: day,
      activity_kind,
      topic: fields.topic ?? null,
      supervision_action: null,
      n_participants: fields.n_participants ?? null,
      n_sent: fields.n_sent ?? null,
      n_returned: fields.n_returned ?? null,
      n_screened: fields.n_screened ?? null,
      n_warned: fields.n_warned ?? null,
      n_tracked: fields.n_tracked ?? null,
      target_school_code: null,
      deadline_on: null,
      replied_on: null,
      note: fields.note ?? null,
      school_name: state.name,
    });
  };
  if (term.length) {
    if ((!kindergarten || KINDERGARTEN_DRILL_MONTHS.includes(month)) && rng.chance(profile.drills)) {
      add(rng.pick(term), '应急演练', { topic: rng.chance(0.7) ? '消防' : '综合', n_participants: Math.round(everyone * rng.float(0.85, 1)), note: '全体师生疏散演练' });
    }
    for (const topic of LESSONS[month] ?? []) {
      if (kindergarten && NOT_FOR_KINDERGARTENS.includes(topic)) continue;
      if (rng.chance(profile.programmes)) add(rng.pick(term), '安全教育课', { topic, n_participants: Math.round(state.enrollment * rng.float(0.9, 1)) });
    }
    if (!kindergarten) {
      if ((month === 4 || month === 11) && rng.chance(profile.programmes)) {
        add(rng.pick(term), '欺凌调查', { topic: '防欺凌', n_participants: Math.round(state.enrollment * share(rng, 0.97, 0.03)) });
      }
      if (month === 10 && rng.chance(Math.max(0.7, profile.programmes))) {
        const screened = Math.round(state.enrollment * share(rng, profile.programmes));
        const warned = Math.round(screened * rng.float(0.02, 0.06));
        add(rng.pick(term), '心理测评', { topic: '心理健康', n_screened: screened, n_warned: warned, n_tracked: Math.round(warned * share(rng, profile.programmes, 0.08)) });
      }
      if ((month === 3 || month === 10) && rng.chance(profile.programmes)) {
        add(rng.pick(term), '心理课', { topic: '心理健康', n_participants: Math.round(state.enrollment * rng.float(0.9, 1)) });
      }
    }
  }
  if (month === 1 || month === 6) {
    // Before each break: one letter per student, receipts as complete as the unit's follow-up.
    const sent = rng.chance(profile.programmes) ? state.enrollment : Math.round(state.enrollment * rng.float(0.85, 1));
    const day = month === 1 ? dayOf(year, 1, rng.int(5, 15)) : dayOf(year, 6, rng.int(15, 30));
    add(day, '告知书', { topic: month === 6 ? '防溺水' : '综合', n_sent: sent, n_returned: Math.round(sent * share(rng, profile.programmes + 0.02, 0.04)), note: month === 6 ? '暑假致家长的一封信' : '寒假安全告知书' });
  }
  if (school.isNearWater && month >= 5 && month <= 9) {
    for (let d = 1; d <= daysInMonth(year, month); d++) {
      const day = dayOf(year, month, d);
      if (weekday(day) === 1 && rng.chance(profile.programmes)) add(day + rng.int(0, 4), '水域巡查', { n_participants: rng.int(2, 6), note: '周边河塘巡查' });
    }
  }
  if (month === 9 && rng.chance(0.97)) add(rng.pick(term), '安全责任书', { n_participants: state.staff, note: '教职工安全责任书签订' });
  return rows;
}

/** A unit's supervision actions in a year, in date order. */
function unitYear(ctx: ExportContext, unitCode: string, year: number): Row[] {
  const { city } = ctx;
  const rng = streamFor(city.seed, 'supervision', unitCode, year);
  const profile = profileOf(unitCode);
  const schools = city.schools.filter((s) => stateOn(s, dayOf(year, 6, 1))?.unitCode === unitCode);
  const weekdayIn = (months: number[], lastDay = 28) => {
    const month = rng.pick(months);
    const day = dayOf(year, month, rng.int(1, Math.min(lastDay, daysInMonth(year, month))));
    return weekday(day) === 0 ? day + 1 : weekday(day) === 6 ? day + 2 : day;
  };
  const target = (day: Day) => {
    const open = schools.filter((s) => isOpen(s, day));
    return open.length ? rng.pick(open).code : null;
  };
  const rows: Omit<Row, 'activity_id'>[] = [];
  for (let n = 2 + Math.round(schools.length / 12); n > 0; n--) {
    const on = weekdayIn([3, 4, 5, 6, 9, 10, 11, 12], 10);
    const deadline = on + 15;
    const u = rng.next();
    let replied: Day | null = u < profile.lettersOnTime ? on + rng.int(3, 15) : u < profile.lettersOnTime + (1 - profile.lettersOnTime) * 0.6 ? deadline + rng.int(2, 20) : null;
    if (replied !== null && replied > city.cutoff) replied = null;
    rows.push({ activity_on: on, supervision_action: '交办函', target_school_code: target(on), deadline_on: deadline, replied_on: replied, note: '安全隐患整改交办函' });
  }
  for (const [month, note] of [[5, '防溺水工作提示函'], [11, '冬季消防安全提示函'], [1, '寒假安全工作提示函']] as const) {
    const on = weekdayIn([month]);
    rows.push({ activity_on: on, supervision_action: '提示函', target_school_code: null, deadline_on: null, replied_on: null, note });
  }
  for (let n = rng.poisson(profile.interviews); n > 0; n--) {
    const on = weekdayIn([3, 4, 5, 6, 9, 10, 11, 12]);
    rows.push({ activity_on: on, supervision_action: '约谈', target_school_code: target(on), deadline_on: null, replied_on: null, note: '约谈学校主要负责人' });
  }
  for (let n = rng.poisson(profile.penalties); n > 0; n--) {
    const on = weekdayIn([4, 5, 6, 10, 11]);
    rows.push({ activity_on: on, supervision_action: '处罚', target_school_code: target(on), deadline_on: null, replied_on: null, note: '隐患逾期未整改，通报批评并扣减考核分' });
  }
  rows.sort((a, b) => (a.activity_on as number) - (b.activity_on as number));
  return rows.map((r, i) => ({ activity_id: `DD${year}-${unitCode}-${String(i + 1).padStart(3, '0')}`, school_code: null, unit_code: unitCode, activity_kind: '督导', ...r }));
}

export async function writeActivities(ctx: ExportContext): Promise<ManifestFile[]> {
  const { city } = ctx;
  const entries: ManifestFile[] = [];
  for (const [y, year] of city.years.entries()) {
    const numbers = Object.fromEntries(['n_participants', 'n_sent', 'n_returned', 'n_screened', 'n_warned', 'n_tracked'].map((n) => [n, asNumber]));
    const dates = { activity_on: asExcelSerial, deadline_on: asExcelSerial, replied_on: asExcelSerial };
    const aliases: Record<string, string> = y % 2 === 1 ? { activity_id: '记录编号', activity_on: '活动日期', n_sent: '告知书发放数', n_returned: '回执回收数', n_tracked: '建立跟踪档案人数' } : {};
    const schoolColumns = contractColumns('activities', 'zh', { ...numbers, ...dates }, aliases);
    schoolColumns.splice(2, 0, extraColumn('学校名称', (row) => row.school_name as string));
    const schoolsFile = openExport(ctx, { file: `activities/activities_${year}_programmes.xlsx`, source: 'activities', format: 'xlsx', sheet: '专项工作记录', columns: schoolColumns });
    for (let month = 1; month <= 12; month++) {
      for (const school of city.schools) {
        const state = stateOn(school, dayOf(year, month, 1));
        if (!state) continue;
        const rng = streamFor(city.seed, 'activities', school.code, year, month);
        for (const row of schoolMonth(rng, school, state, year, month, profileOf(state.unitCode))) schoolsFile.add(row);
        await schoolsFile.drain();
      }
    }
    const iso = asDate('iso');
    const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
    const unitColumns = contractColumns('activities', 'name', { activity_on: iso, deadline_on: iso, replied_on: iso, ...Object.fromEntries(Object.keys(numbers).map((n) => [n, text])) });
    const unitsFile: ExportFile = openExport(ctx, { file: `activities/activities_${year}_supervision.json`, source: 'activities', format: 'json', columns: unitColumns });
    for (const unit of city.units) for (const row of unitYear(ctx, unit.code, year)) unitsFile.add(row);
    entries.push(...(await closeAll([schoolsFile, unitsFile])));
  }
  return entries;
}

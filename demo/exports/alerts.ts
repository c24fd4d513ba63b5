/**
 * alerts: what the platforms raise — video AI (fights, crowding, climbing, intrusion,
 * dangerous water in summer, smoke), voice AI anti-bullying (distress and bullying
 * keywords, term time only), fire IoT (more in winter), patrols and mental-health
 * warnings. Acknowledgement and closing times follow the unit's profile; alerts about a
 * student that turn out true carry the student's name, ID number and a parent's phone.
 *
 * Format: NDJSON with English keys, one file per platform and year. The video vendor
 * writes levels I–IV and ISO times with +08:00; the voice vendor 1–4; the city platform
 * (fire IoT, patrol, mental health) 红/橙/黄/蓝 (红色/橙色/黄色 for mental health).
 */
import { momentOf, monthDays, schoolDays, ymd, type Day, type Moment } from '../calendar.ts';
import { closeAll, isOpen, openExport, type ExportContext } from '../context.ts';
import type { ExportFile } from '../export-file.ts';
import type { ManifestFile } from '../manifest.ts';
import { asCode, asDateTime, type DateTimeStyle } from '../format.ts';
import { contractColumns } from '../layout.ts';
import { chineseName, mobilePhone, studentIdNumber } from '../people.ts';
import { profileOf, type UnitProfile } from '../profiles.ts';
import { streamFor, type Rng } from '../random.ts';
import { stateOn, type School, type SchoolReport } from '../registry.ts';
import { isSilencedAlert } from '../silences.ts';

type Origin = '视频AI' | '语音AI' | '消防物联' | '巡查' | '心理';
type Level = '红' | '橙' | '黄' | '蓝';
type Timing = 'school' | 'night' | 'any' | 'afternoon';

interface Category {
  name: string;
  weight: number;
  levels: [Level, number][];
  timing: Timing;
  aboutStudent: boolean;
  falseAlarm: number;
  nearWaterSummerOnly?: boolean;
}

const CATEGORIES: Record<Origin, Category[]> = {
  视频AI: [
    { name: '打架斗殴', weight: 20, levels: [['橙', 0.6], ['黄', 0.4]], timing: 'school', aboutStudent: true, falseAlarm: 0.35 },
    { name: '人员聚集', weight: 25, levels: [['黄', 0.5], ['蓝', 0.5]], timing: 'school', aboutStudent: false, falseAlarm: 0.45 },
    { name: '攀爬', weight: 15, levels: [['橙', 0.4], ['黄', 0.6]], timing: 'school', aboutStudent: true, falseAlarm: 0.4 },
    { name: '区域入侵', weight: 20, levels: [['橙', 0.5], ['黄', 0.5]], timing: 'night', aboutStudent: false, falseAlarm: 0.5 },
    { name: '危险水域', weight: 30, levels: [['红', 0.4], ['橙', 0.6]], timing: 'afternoon', aboutStudent: true, falseAlarm: 0.3, nearWaterSummerOnly: true },
    { name: '烟火', weight: 5, levels: [['红', 0.6], ['橙', 0.4]], timing: 'any', aboutStudent: false, falseAlarm: 0.6 },
  ],
  语音AI: [
    { name: '呼救', weight: 40, levels: [['红', 0.3], ['橙', 0.7]], timing: 'school', aboutStudent: true, falseAlarm: 0.3 },
    { name: '欺凌关键词', weight: 60, levels: [['橙', 0.5], ['黄', 0.5]], timing: 'school', aboutStudent: true, falseAlarm: 0.25 },
  ],
  消防物联: [
    { name: '烟火', weight: 50, levels: [['红', 0.7], ['橙', 0.3]], timing: 'any', aboutStudent: false, falseAlarm: 0.5 },
    { name: '电气火灾预警', weight: 30, levels: [['橙', 0.5], ['黄', 0.5]], timing: 'any', aboutStudent: false, falseAlarm: 0.3 },
    { name: '消防水压异常', weight: 20, levels: [['黄', 0.6], ['蓝', 0.4]], timing: 'any', aboutStudent: false, falseAlarm: 0.2 },
  ],
  巡查: [
    { name: '设施隐患', weight: 40, levels: [['黄', 0.6], ['蓝', 0.4]], timing: 'school', aboutStudent: false, falseAlarm: 0.05 },
    { name: '校外人员逗留', weight: 30, levels: [['黄', 0.5], ['蓝', 0.5]], timing: 'school', aboutStudent: false, falseAlarm: 0.1 },
    { name: '危险水域', weight: 30, levels: [['橙', 0.5], ['黄', 0.5]], timing: 'afternoon', aboutStudent: true, falseAlarm: 0.05, nearWaterSummerOnly: true },
  ],
  心理: [{ name: '心理危机', weight: 1, levels: [['红', 0.2], ['橙', 0.4], ['黄', 0.4]], timing: 'school', aboutStudent: true, falseAlarm: 0.05 }],
};

const ORIGIN_PREFIX: Record<Origin, string> = { 视频AI: 'SPAI', 语音AI: 'YYAI', 消防物联: 'XFWL', 巡查: 'XC', 心理: 'XL' };

/** Expected alerts per school-month, before the size factor. */
function monthlyRate(origin: Origin, school: School, month: number, inTerm: boolean): number {
  switch (origin) {
    case '视频AI':
      return inTerm ? 2 : 0.6;
    case '语音AI':
      return school.hasVoiceAi && inTerm ? 1 : 0;
    case '消防物联':
      return month >= 11 || month <= 2 ? 0.6 : 0.25;
    case '巡查':
      return 0.4;
    case '心理':
      return school.type === '幼儿园' || !inTerm ? 0 : 0.6;
  }
}

interface Vendor {
  file: string;
  origins: Origin[];
  levels: Record<Level, string>;
  time: DateTimeStyle;
}

const VENDORS = (year: number): Vendor[] => [
  { file: `alerts/alerts_${year}_video.ndjson`, origins: ['视频AI'], levels: { 红: 'I', 橙: 'II', 黄: 'III', 蓝: 'IV' }, time: 'iso-offset' },
  { file: `alerts/alerts_${year}_voice.ndjson`, origins: ['语音AI'], levels: { 红: '1', 橙: '2', 黄: '3', 蓝: '4' }, time: 'seconds' },
  { file: `alerts/alerts_${year}_platform.ndjson`, origins: ['消防物联', '巡查', '心理'], levels: { 红: '红', 橙: '橙', 黄: '黄', 蓝: '蓝' }, time: 'seconds' },
];
const MENTAL_HEALTH_LEVELS: Record<Level, string> = { 红: '红色', 橙: '橙色', 黄: '黄色', 蓝: '蓝色' };

const NIGHT_HOURS = [0, 1, 2, 3, 4, 21, 22, 23];

function raisedAt(rng: Rng, day: Day, timing: Timing): Moment {
  const hour =
    timing === 'school' ? rng.int(7, 17) : timing === 'night' ? rng.pick(NIGHT_HOURS) : timing === 'afternoon' ? rng.int(12, 19) : rng.int(0, 23);
  return momentOf(day, hour, rng.int(0, 59), rng.int(0, 59));
}

function alertRow(rng: Rng, ctx: ExportContext, school: School, state: SchoolReport, origin: Origin, category: Category, day: Day, seq: number, profile: UnitProfile) {
  const raised = raisedAt(rng, day, category.timing);
  const level = rng.weighted(category.levels);
  const acknowledged = rng.chance(profile.neverAcknowledged) ? null : raised + Math.max(5, Math.round(rng.lognormal(profile.ackMedianMinutes * (level === '红' || level === '橙' ? 1 : 2), 0.8) * 60));
  let closed: Moment | null = null;
  if (acknowledged !== null && !rng.chance(0.01)) {
    closed = rng.chance(profile.closedWithin24h) ? acknowledged + Math.round(rng.lognormal(40, 1) * 60) : raised + rng.int(25, 96) * 3600;
  }
  const cutoffEnd = momentOf(ctx.city.cutoff, 23, 59, 59);
  if (closed !== null && closed > cutoffEnd) closed = null;
  const ack = acknowledged !== null && acknowledged > cutoffEnd ? null : acknowledged;
  const disposition = ack === null ? null : rng.chance(0.05) ? '重复' : rng.chance(category.falseAlarm) ? '误报' : '真实';
  const student = category.aboutStudent && disposition === '真实';
  const { y, m } = ymd(day);
  const yyyymm = `${y}${String(m).padStart(2, '0')}`;
  return {
    alert_id: `${ORIGIN_PREFIX[origin]}${yyyymm}${school.code}${String(seq).padStart(3, '0')}`,
    school_code: school.code,
    origin,
    category: category.name,
    level,
    raised_at: raised,
    acknowledged_at: ack,
    closed_at: closed,
    disposition,
    handler: ack === null ? null : rng.chance(0.7) ? school.safetyOfficer : chineseName(rng),
    student_name: student ? chineseName(rng) : null,
    student_id_number: student ? studentIdNumber(rng, school.type, day, state.unitCode, ctx.city.idAreas) : null,
    contact_phone: student ? mobilePhone(rng) : null,
  };
}

export async function writeAlerts(ctx: ExportContext): Promise<ManifestFile[]> {
  const { city } = ctx;
  const entries: ManifestFile[] = [];
  for (const year of city.years) {
    const vendors = VENDORS(year);
    const files = new Map<Origin, ExportFile>();
    const opened: ExportFile[] = [];
    for (const vendor of vendors) {
      const levelOf = (origin: Origin) => (origin === '心理' ? MENTAL_HEALTH_LEVELS : vendor.levels);
      const columns = contractColumns('alerts', 'name', {
        level: (v, row) => asCode(levelOf(row.origin as Origin))(v),
        raised_at: asDateTime(vendor.time),
        acknowledged_at: asDateTime(vendor.time),
        closed_at: asDateTime(vendor.time),
      });
      const file = openExport(ctx, { file: vendor.file, source: 'alerts', format: 'ndjson', columns });
      opened.push(file);
      for (const origin of vendor.origins) files.set(origin, file);
    }
    for (let month = 1; month <= 12; month++) {
      const days = monthDays(year, month);
      for (const school of city.schools) {
        const state = stateOn(school, days[0]);
        if (!state) continue;
        writeSchoolMonth(ctx, files, school, state, year, month, days);
        for (const file of opened) await file.drain();
      }
    }
    entries.push(...(await closeAll(opened)));
  }
  return entries;
}

function writeSchoolMonth(ctx: ExportContext, files: Map<Origin, ExportFile>, school: School, state: SchoolReport, year: number, month: number, days: readonly Day[]) {
  const rng = streamFor(ctx.city.seed, 'alerts', school.code, year, month);
  const profile = profileOf(state.unitCode);
  const size = Math.sqrt(state.enrollment / 800);
  const summer = month >= 5 && month <= 9;
  const inTermDays = schoolDays(year, month);
  const raised: { origin: Origin; category: Category; day: Day }[] = [];
  for (const origin of Object.keys(CATEGORIES) as Origin[]) {
    const inTerm = inTermDays.length > 0;
    const rate = monthlyRate(origin, school, month, inTerm) * (origin === '心理' ? state.enrollment / 1000 : size);
    const categories = CATEGORIES[origin].filter((c) => !c.nearWaterSummerOnly || (school.isNearWater && summer));
    for (let n = rng.poisson(rate); n > 0; n--) {
      const category = rng.weighted(categories.map((c) => [c, c.weight] as const));
      const day = category.timing === 'school' && inTermDays.length ? rng.pick(inTermDays) : rng.pick(days);
      if (isOpen(school, day)) raised.push({ origin, category, day });
    }
  }
  raised.sort((a, b) => a.day - b.day);
  const seqs = new Map<Origin, number>();
  for (const { origin, category, day } of raised) {
    // the silence leaves out every alert from its first day on (the latest of the month, so no later draw moves)
    if (isSilencedAlert(ctx.city.story.silences, school, day)) continue;
    const seq = (seqs.get(origin) ?? 0) + 1;
    seqs.set(origin, seq);
    files.get(origin)!.add(alertRow(rng, ctx, school, stateOn(school, day)!, origin, category, day, seq, profile));
  }
}

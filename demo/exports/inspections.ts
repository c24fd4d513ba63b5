/**
 * inspections: one row per checklist item checked. Monthly self-inspections (自查) on a
 * subset of items, bureau supervision visits (督查) on every applicable item, and joint
 * checks (联合检查) with fire, police and health before term. Failures become hazards
 * with a level, a deadline and a rectification outcome drawn from the unit's profile; an
 * item rectified recently fails more often (recurrence).
 *
 * Format: GBK CSV with Chinese headers as Excel on Chinese Windows saves it, one file per
 * year. Every county's rows keep that county's date style (all four styles in each file);
 * every second year of the period spells hazard levels as vendor codes 7/6/5 under the
 * alias header 隐患级别.
 */
import { dayOf, schoolDays, weekdaysOf, type Day } from '../calendar.ts';
import { closeAll, isOpen, openCorrections, openExport, type ExportContext } from '../context.ts';
import type { ExportFile, FileSpec } from '../export-file.ts';
import type { ManifestFile } from '../manifest.ts';
import { asCode, asDate, DATE_STYLES, type Row } from '../format.ts';
import { contractColumns, extraColumn } from '../layout.ts';
import { chineseName } from '../people.ts';
import { profileOf, type UnitProfile } from '../profiles.ts';
import { streamFor, type Rng } from '../random.ts';
import type { ChecklistItem } from '../reference.ts';
import { stateOn, type School } from '../registry.ts';
import { isSilencedSelfInspection } from '../silences.ts';

type Kind = '自查' | '督查' | '联合检查';
type Level = '一般' | '较大' | '重大';

const HAZARD_CODES: Record<string, string> = { 一般: '7', 较大: '6', 重大: '5' };
const KIND_PREFIX: Record<Kind, string> = { 自查: 'ZC', 督查: 'DC', 联合检查: 'LH' };
/** How much more an inspector finds than the school itself reports. */
const KIND_FACTOR: Record<Kind, number> = { 自查: 0.8, 督查: 1.8, 联合检查: 1.5 };
const CORE_ITEMS = ['XF01', 'XF02', 'XF05', 'RF02'];
const RECURRENCE_DAYS = 90;

const BASE_FAIL: Record<string, number> = { 消防安全: 0.04, 校舍安全: 0.03, 食品安全: 0.03, 人防: 0.03, 技防: 0.03, 物防: 0.03, 防溺水: 0.05, 交通安全: 0.03, 卫生防疫: 0.02, 心理健康: 0.03 };
const PROBLEMS: Record<string, string[]> = {
  XF01: ['消防通道堆放杂物', '消防通道被车辆占用'],
  XF02: ['灭火器压力不足', '灭火器过期未更换', '灭火器配置数量不足'],
  XF03: ['室内消火栓水压不足', '消火栓箱内水带缺失'],
  XF04: ['应急照明灯损坏', '疏散指示标志不亮'],
  XF05: ['电线私拉乱接', '插座超负荷使用', '电动车室内充电'],
  XF06: ['疏散门上锁', '安全出口加装铁链'],
  XF07: ['外窗安装固定式防盗网', '窗户加装铁栅栏'],
  XF08: ['宿舍窗户封闭式防护网未拆除'],
  XS01: ['墙体出现裂缝', '屋面渗漏'],
  XS02: ['楼梯扶手松动', '栏杆高度不足'],
  XS03: ['围墙出现缺口', '围墙局部倾斜'],
  XS04: ['篮球架底座松动', '单杠锈蚀'],
  SP01: ['食堂许可证过期'],
  SP02: ['食品留样不足125克', '留样记录不全'],
  SP03: ['从业人员健康证过期'],
  RF01: ['专职保安配备不足'],
  RF02: ['来访登记不全', '门卫脱岗'],
  RF03: ['护学岗人员未按时到岗'],
  JF01: ['一键报警未与公安联网', '一键报警装置故障'],
  JF02: ['监控存在盲区', '监控录像保存不足30天'],
  JF03: ['周界报警装置失灵'],
  WF01: ['防冲撞设施缺失'],
  WF02: ['减速带损坏', '警示标志褪色'],
  NS01: ['临水警示牌缺失'],
  NS02: ['救生圈缺失', '救生杆损坏'],
  JT01: ['校车安全检查记录缺失'],
  WS01: ['晨午检记录不全'],
  XL01: ['心理辅导室未按规定设置'],
};
/** Categories whose problems are somewhere in particular (a wiring fault has a place; a missing licence does not). */
const LOCATED = ['消防安全', '校舍安全', '技防'];
const PLACES = ['教学楼一楼', '教学楼三楼东侧', '学生宿舍二楼', '食堂后厨', '实验楼', '办公楼', '图书室', '配电室', '操场东侧', '综合楼'];

interface Hazard {
  level: Level;
  text: string;
  dueOn: Day;
  rectifiedOn: Day | null;
  recheck: '合格' | '不合格' | null;
}

/** Per school and item: until when a hazard is open, and when it was last rectified. */
interface ItemState {
  openUntil: Day;
  rectifiedOn: Day | null;
}

function applicableItems(checklist: ChecklistItem[], school: School, boarders: number): ChecklistItem[] {
  return checklist.filter(
    (item) =>
      item.appliesTo === 'all' ||
      (item.appliesTo === 'boarding' && boarders > 0) ||
      (item.appliesTo === 'near_water' && school.isNearWater) ||
      (item.appliesTo === 'not_kindergarten' && school.type !== '幼儿园'),
  );
}

function failProbability(item: ChecklistItem, school: School, kind: Kind, month: number, profile: UnitProfile): number {
  if (item.isEscapeObstacle) return 0.004 * profile.failFactor;
  if (item.code === 'RF01') return school.isGuardShort ? (kind === '自查' ? 0.5 : 0.95) : 0.01;
  let p = (BASE_FAIL[item.category] ?? 0.03) * KIND_FACTOR[kind] * profile.failFactor;
  if (item.category === '消防安全' && (month >= 11 || month <= 2)) p *= 1.3;
  if (item.category === '防溺水' && month >= 5 && month <= 9) p *= 1.5;
  return p;
}

function hazardFor(rng: Rng, item: ChecklistItem, on: Day, profile: UnitProfile, cutoff: Day): Hazard {
  const serious = item.category === '消防安全' || item.category === '校舍安全';
  const level: Level = item.isEscapeObstacle
    ? rng.weighted([['一般', 0.3], ['较大', 0.5], ['重大', 0.2]])
    : rng.weighted(serious ? [['一般', 0.78], ['较大', 0.16], ['重大', 0.06]] : [['一般', 0.88], ['较大', 0.1], ['重大', 0.02]]);
  const days = level === '重大' ? 7 : level === '较大' ? rng.int(10, 15) : rng.int(15, 30);
  const dueOn = Math.min(on + days, cutoff);
  const u = rng.next();
  const never = level === '重大' ? profile.majorsLeftOpen : profile.neverRectified;
  let rectifiedOn: Day | null;
  if (u < never) rectifiedOn = null;
  else if (u < never + profile.rectifiedOnTime * (1 - never)) rectifiedOn = dueOn <= on ? on : rng.int(on + 1, dueOn);
  else rectifiedOn = dueOn + (level === '重大' ? rng.int(3, 20) : rng.int(1, 45));
  if (rectifiedOn !== null && rectifiedOn > cutoff) rectifiedOn = null;
  return {
    level,
    text: `${LOCATED.includes(item.category) ? rng.pick(PLACES) : ''}${rng.pick(PROBLEMS[item.code] ?? ['存在安全隐患'])}`,
    dueOn,
    rectifiedOn,
    recheck: rectifiedOn === null ? null : rng.chance(0.95) ? '合格' : '不合格',
  };
}

interface Visit {
  kind: Kind;
  day: Day;
}

/** This month's inspections of one school. */
function visits(ctx: ExportContext, school: School, year: number, month: number, profile: UnitProfile): Visit[] {
  const rng = streamFor(ctx.city.seed, 'inspections', school.code, year, month);
  const yearly = streamFor(ctx.city.seed, 'inspection-plan', school.code, year);
  const supervised = yearly.chance(profile.supervisionCoverage);
  const supervisionMonth = yearly.pick([3, 4, 5, 6, 9, 10, 11]);
  const joint = yearly.chance(0.3);
  const jointMonth = yearly.pick([2, 8]);
  const weekdays = weekdaysOf(year, month);
  const inTerm = schoolDays(year, month);
  const result: Visit[] = [];
  if (rng.chance(profile.selfInspection)) result.push({ kind: '自查', day: rng.pick(weekdays) });
  if (supervised && month === supervisionMonth) result.push({ kind: '督查', day: rng.pick(inTerm.length ? inTerm : weekdays) });
  if (joint && month === jointMonth) result.push({ kind: '联合检查', day: rng.pick(weekdays.slice(-8)) });
  const held = (v: Visit) => isOpen(school, v.day) && !(v.kind === '自查' && isSilencedSelfInspection(ctx.city.story.silences, school, v.day));
  return result.filter(held).sort((a, b) => a.day - b.day);
}

export async function writeInspections(ctx: ExportContext): Promise<ManifestFile[]> {
  const { city } = ctx;
  const unitIndex = new Map(city.units.map((u, i) => [u.code, i]));
  const states = new Map<string, Map<string, ItemState>>();
  const inspectors = new Map(city.units.map((u) => {
    const rng = streamFor(city.seed, 'inspectors', u.code);
    return [u.code, Array.from({ length: 4 }, () => chineseName(rng))];
  }));
  const entries: ManifestFile[] = [];
  for (const [y, year] of city.years.entries()) {
    const spec = fileSpec(year, y % 2 === 1, (unit) => DATE_STYLES[(unitIndex.get(unit)! + y) % DATE_STYLES.length]);
    const corrections = openCorrections(ctx, { ...spec, file: `inspections/inspections_${year}.revised.csv` });
    const file = openExport(ctx, spec, { corrections });
    for (let month = 1; month <= 12; month++) {
      for (const school of city.schools) {
        const first = stateOn(school, dayOf(year, month, 1));
        if (!first) continue;
        const profile = profileOf(first.unitCode);
        for (const visit of visits(ctx, school, year, month, profile)) {
          writeVisit(ctx, file, school, visit, profile, states, inspectors);
        }
        await file.drain();
      }
    }
    entries.push(...(await closeAll([file, corrections], [corrections])));
  }
  return entries;
}

function writeVisit(
  ctx: ExportContext,
  file: ExportFile,
  school: School,
  visit: Visit,
  profile: UnitProfile,
  states: Map<string, Map<string, ItemState>>,
  inspectors: Map<string, string[]>,
): void {
  const { city } = ctx;
  const state = stateOn(school, visit.day)!;
  const rng = streamFor(city.seed, 'inspection-items', school.code, visit.day, visit.kind);
  const items = states.get(school.code) ?? new Map<string, ItemState>();
  states.set(school.code, items);
  const month = new Date(visit.day * 86_400_000).getUTCMonth() + 1;
  const applicable = applicableItems(city.checklist, school, state.boarders);
  const isRecent = (code: string) => {
    const s = items.get(code);
    return s?.rectifiedOn != null && visit.day > s.rectifiedOn && visit.day <= s.rectifiedOn + RECURRENCE_DAYS;
  };
  // An item with a hazard still open is not re-inspected; a recently rectified one always is.
  const checkable = applicable.filter((item) => (items.get(item.code)?.openUntil ?? -Infinity) <= visit.day);
  const chosen =
    visit.kind === '自查'
      ? checkable.filter((item) => CORE_ITEMS.includes(item.code) || isRecent(item.code) || rng.chance(0.35))
      : visit.kind === '联合检查'
        ? checkable.filter((item) => ['消防安全', '食品安全', '人防', '卫生防疫'].includes(item.category))
        : checkable;
  const inspectionId = `${KIND_PREFIX[visit.kind]}${dateKey(visit.day, visit.kind === '自查')}-${school.code}`;
  const inspector =
    visit.kind === '自查' ? school.safetyOfficer : visit.kind === '督查' ? rng.pick(inspectors.get(state.unitCode)!) : `${rng.pick(inspectors.get(state.unitCode)!)}（联合检查组）`;
  const rowFor = (item: ChecklistItem, result: string, hazard: Hazard | null): Row => ({
    inspection_id: inspectionId,
    school_code: school.code,
    inspected_on: visit.day,
    inspection_kind: visit.kind,
    item_code: item.code,
    result,
    hazard_level: hazard?.level ?? null,
    hazard_text: hazard?.text ?? null,
    due_on: hazard?.dueOn ?? null,
    rectified_on: hazard?.rectifiedOn ?? null,
    recheck_result: hazard?.recheck ?? null,
    inspector,
    unit_code: state.unitCode,
    school_name: state.name,
  });
  for (const item of chosen) {
    if (item.code === 'JT01' && !school.hasSchoolBus) {
      file.add(rowFor(item, '不适用', null));
      continue;
    }
    let p = failProbability(item, school, visit.kind, month, profile);
    if (isRecent(item.code)) p = Math.min(0.9, p * profile.recurrenceFactor);
    if (!rng.chance(p)) {
      file.add(rowFor(item, '合格', null));
      continue;
    }
    const hazard = hazardFor(rng, item, visit.day, profile, city.cutoff);
    items.set(item.code, { openUntil: hazard.rectifiedOn ?? Infinity, rectifiedOn: hazard.rectifiedOn ?? items.get(item.code)?.rectifiedOn ?? null });
    const row = rowFor(item, '不合格', hazard);
    // Exported before the rectification was logged; a corrected re-export fills it in.
    const stale = hazard.rectifiedOn === null ? undefined : () => ({ ...row, rectified_on: null, recheck_result: null });
    file.add(row, { stale });
  }
}

function dateKey(day: Day, monthOnly: boolean): string {
  const iso = new Date(day * 86_400_000).toISOString();
  return monthOnly ? iso.slice(0, 7).replace('-', '') : iso.slice(0, 10).replaceAll('-', '');
}

function fileSpec(year: number, useAliases: boolean, styleOf: (unit: string) => (typeof DATE_STYLES)[number]): FileSpec {
  const date = (value: unknown, row: Row) => (value === null ? null : asDate(styleOf(row.unit_code as string))(value as number));
  const columns = contractColumns(
    'inspections',
    'zh',
    {
      inspected_on: (v, row) => date(v, row),
      due_on: (v, row) => date(v, row),
      rectified_on: (v, row) => date(v, row),
      hazard_level: useAliases ? asCode(HAZARD_CODES) : (v) => v as string | null,
    },
    useAliases ? { inspection_id: '检查单号', hazard_level: '隐患级别', due_on: '整改时限' } : {},
  );
  // The school's name sits next to its code, as in the county spreadsheets.
  columns.splice(2, 0, extraColumn('学校名称', (row) => row.school_name as string));
  return { file: `inspections/inspections_${year}.csv`, source: 'inspections', format: 'csv-gbk', columns };
}

/**
 * The school registry and its history: who the schools are (codes, types, sizes, flags)
 * and what each term's registry report says about them (enrollment changing each term,
 * plus the story's rename, merge, closure and move). Everything else is generated from it.
 */
import { dayOf, type Day } from './calendar.ts';
import { SchoolNamer } from './names.ts';
import { chineseName } from './people.ts';
import { profileOf, UNIT_WEIGHTS } from './profiles.ts';
import type { Rng } from './random.ts';
import type { Unit } from './reference.ts';

export type SchoolType = '幼儿园' | '小学' | '初中' | '高中' | '中职' | '特教';

export const TYPE_CODES: Record<SchoolType, string> = { 幼儿园: '11', 小学: '21', 初中: '31', 高中: '34', 中职: '36', 特教: '51' };
export const PROVINCE_CODE = '41';

/** Serials from here up are never given to a school: the dirt injector's unknown codes live there. */
export const UNKNOWN_SERIAL_FLOOR = 990_000;

export interface SchoolReport {
  reportedOn: Day;
  name: string;
  unitCode: string;
  enrollment: number;
  boarders: number;
  staff: number;
  guards: number;
  closedOn: Day | null;
}

export interface School {
  code: string;
  type: SchoolType;
  ownership: '公办' | '民办';
  isRural: boolean;
  isNearWater: boolean;
  openedOn: Day;
  /** Unit and name at the start of the period (the history may change both). */
  unitCode: string;
  name: string;
  /** The code sharing this school's serial (a primary and its attached kindergarten). */
  siblingCode: string | null;
  /** Fewer guards than GB/T 29315 requires, every term. */
  isGuardShort: boolean;
  hasVoiceAi: boolean;
  hasSchoolBus: boolean;
  safetyOfficer: string;
  /** One entry per city report day; null once the school no longer appears. */
  reports: (SchoolReport | null)[];
  closedOn: Day | null;
}

const TYPE_MIX: [SchoolType, number][] = [
  ['幼儿园', 0.46],
  ['小学', 0.37],
  ['初中', 0.115],
  ['高中', 0.04],
  ['中职', 0.01],
  ['特教', 0.005],
];
const CITY_DIRECT_MIX: [SchoolType, number][] = [
  ['幼儿园', 0.2],
  ['小学', 0.1],
  ['初中', 0.15],
  ['高中', 0.3],
  ['中职', 0.18],
  ['特教', 0.07],
];

const RURAL_SHARE: Record<Unit['kind'], number> = { county: 0.65, county_city: 0.6, district: 0.15, functional_zone: 0.2, city_direct: 0 };
const NEAR_WATER_SHARE: Record<Unit['kind'], number> = { county: 0.24, county_city: 0.22, district: 0.1, functional_zone: 0.12, city_direct: 0.05 };
const PRIVATE_SHARE: Record<SchoolType, number> = { 幼儿园: 0.5, 小学: 0.06, 初中: 0.1, 高中: 0.12, 中职: 0.3, 特教: 0 };
const STUDENTS_PER_STAFF: Record<SchoolType, number> = { 幼儿园: 9, 小学: 18, 初中: 13, 高中: 12, 中职: 15, 特教: 3.5 };
/** Yearly enrollment trend: fewer births reach kindergartens first. */
const YEARLY_TREND: Record<SchoolType, number> = { 幼儿园: -0.04, 小学: -0.01, 初中: 0.01, 高中: 0.02, 中职: 0.02, 特教: 0 };

/** GB/T 29315-2022: <100 students 1; 100–999 2; ≥1000 3 plus 1 per further 500; +1 per 300 boarders. */
export function requiredGuards(enrollment: number, boarders: number): number {
  const base = enrollment < 100 ? 1 : enrollment < 1000 ? 2 : 3 + Math.floor((enrollment - 1000) / 500);
  return base + Math.floor(boarders / 300);
}

/** Schools per unit: proportional to the unit weights, at least a few in every unit. */
function allocate(units: Unit[], total: number): Map<string, number> {
  const minimum = Math.min(3, Math.floor(total / units.length));
  const counts = new Map(units.map((u) => [u.code, minimum]));
  const rest = total - minimum * units.length;
  const weightSum = units.reduce((s, u) => s + (UNIT_WEIGHTS[u.code] ?? 0.05), 0);
  const shares = units.map((u) => ({ code: u.code, exact: (rest * (UNIT_WEIGHTS[u.code] ?? 0.05)) / weightSum }));
  let given = 0;
  for (const s of shares) {
    counts.set(s.code, counts.get(s.code)! + Math.floor(s.exact));
    given += Math.floor(s.exact);
  }
  shares.sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.code.localeCompare(b.code));
  for (let i = 0; i < rest - given; i++) counts.set(shares[i].code, counts.get(shares[i].code)! + 1);
  return counts;
}

function initialEnrollment(rng: Rng, type: SchoolType, isRural: boolean): number {
  const [median, sigma, min, max] = {
    幼儿园: isRural ? [110, 0.5, 25, 400] : [200, 0.45, 40, 600],
    小学: isRural ? [260, 0.6, 25, 1500] : [1100, 0.5, 200, 3500],
    初中: isRural ? [700, 0.45, 150, 2000] : [1500, 0.4, 400, 4000],
    高中: [2600, 0.35, 800, 6000],
    中职: [1800, 0.45, 400, 5000],
    特教: [140, 0.4, 40, 400],
  }[type];
  return Math.round(Math.min(max, Math.max(min, rng.lognormal(median, sigma))));
}

function boardingShare(rng: Rng, type: SchoolType, isRural: boolean): number {
  switch (type) {
    case '高中':
      return rng.float(0.55, 0.9);
    case '中职':
      return rng.float(0.4, 0.8);
    case '初中':
      return isRural ? (rng.chance(0.55) ? rng.float(0.3, 0.75) : 0) : rng.chance(0.1) ? rng.float(0.1, 0.3) : 0;
    case '小学':
      return isRural && rng.chance(0.08) ? rng.float(0.05, 0.3) : 0;
    case '特教':
      return rng.chance(0.5) ? rng.float(0.2, 0.5) : 0;
    case '幼儿园':
      return 0;
  }
}

export interface RegistryPlan {
  schools: School[];
  /** Base state per school before the history is applied. */
  base: Map<School, { boardingShare: number; enrollment: number }>;
}

export function createSchools(rng: Rng, units: Unit[], total: number, fromYear: number, firstSerial = 100_000): RegistryPlan {
  if (firstSerial < 100_000 || firstSerial + total * 8 > UNKNOWN_SERIAL_FLOOR) throw new Error(`${total} schools from serial ${firstSerial} run into the unknown codes at ${UNKNOWN_SERIAL_FLOOR}`);
  const namer = new SchoolNamer(rng);
  const counts = allocate(units, total);
  const drafts: { unit: Unit; type: SchoolType }[] = [];
  for (const unit of units) {
    const mix = unit.kind === 'city_direct' ? CITY_DIRECT_MIX : TYPE_MIX;
    for (let i = 0; i < counts.get(unit.code)!; i++) drafts.push({ unit, type: rng.weighted(mix) });
  }
  // Serials are handed out in shuffled order so codes say nothing about the county.
  const order = rng.shuffle(drafts.map((_, i) => i));
  const serials = new Array<number>(drafts.length);
  order.forEach((draftIndex, rank) => (serials[draftIndex] = firstSerial + rank * 8 + rng.int(0, 7)));

  const schools: School[] = [];
  const base = new Map<School, { boardingShare: number; enrollment: number }>();
  const unpairedPrimaries = new Map<string, School[]>();
  const kindergartens: School[] = [];

  drafts.forEach(({ unit, type }, i) => {
    const isRural = rng.chance(RURAL_SHARE[unit.kind]);
    const isPrivate = rng.chance(PRIVATE_SHARE[type]);
    const nearWaterShare = NEAR_WATER_SHARE[unit.kind] * (unit.code === '411081' ? 1.3 : 1);
    const openedYear = type === '幼儿园' ? rng.int(1985, fromYear - 3) : rng.int(1952, fromYear - 5);
    const school: School = {
      code: `${TYPE_CODES[type]}${PROVINCE_CODE}${String(serials[i]).padStart(6, '0')}`,
      type,
      ownership: isPrivate ? '民办' : '公办',
      isRural,
      isNearWater: rng.chance(nearWaterShare),
      openedOn: rng.chance(0.8) ? dayOf(openedYear, 9, 1) : dayOf(openedYear, rng.int(1, 12), rng.int(1, 28)),
      unitCode: unit.code,
      name: namer.name(unit, type, isRural, isPrivate),
      siblingCode: null,
      isGuardShort: rng.chance(profileOf(unit.code).guardShortfall),
      hasVoiceAi: type !== '幼儿园' && rng.chance(unit.code === '411002' ? 0.9 : 0.6),
      hasSchoolBus: rng.chance(isRural ? 0.5 : type === '幼儿园' && isPrivate ? 0.6 : 0.15),
      safetyOfficer: chineseName(rng),
      reports: [],
      closedOn: null,
    };
    schools.push(school);
    base.set(school, { enrollment: initialEnrollment(rng, type, isRural), boardingShare: boardingShare(rng, type, isRural) });
    if (type === '小学' && !isPrivate) unpairedPrimaries.set(unit.code, [...(unpairedPrimaries.get(unit.code) ?? []), school]);
    if (type === '幼儿园') kindergartens.push(school);
  });

  pairAttachedKindergartens(rng, schools, kindergartens, unpairedPrimaries, namer);
  return { schools, base };
}

/**
 * A primary school's attached kindergarten (附属幼儿园) carries the primary's serial under
 * its own type code, the one way a serial repeats; it is also why a code that lost its
 * first two digits is sometimes ambiguous.
 */
function pairAttachedKindergartens(
  rng: Rng,
  schools: School[],
  kindergartens: School[],
  primaries: Map<string, School[]>,
  namer: SchoolNamer,
): void {
  let pairs = 0;
  const pair = (k: School, p: School) => {
    k.code = `${TYPE_CODES['幼儿园']}${p.code.slice(2)}`;
    k.name = namer.attachedKindergarten(p.name);
    k.ownership = '公办';
    k.isRural = p.isRural;
    k.isNearWater = p.isNearWater;
    k.siblingCode = p.code;
    p.siblingCode = k.code;
    primaries.set(k.unitCode, primaries.get(k.unitCode)!.filter((s) => s !== p));
    pairs++;
  };
  for (const school of kindergartens) {
    const candidates = primaries.get(school.unitCode);
    if (candidates?.length && rng.chance(0.08)) pair(school, candidates[0]);
  }
  if (pairs === 0 && schools.length >= 20) {
    const k = kindergartens.find((school) => primaries.get(school.unitCode)?.length);
    if (k) pair(k, primaries.get(k.unitCode)![0]);
  }
}

/** The story's registry events, as the history needs them. */
export interface RegistryEvents {
  rename?: { code: string; newName: string; effectiveOn: Day };
  merge?: { absorbed: string; absorber: string; closedOn: Day };
  closure?: { code: string; closedOn: Day };
  move?: { code: string; toUnit: string; effectiveOn: Day };
}

/**
 * Fills every school's reports: enrollment drifts a little each spring and moves with
 * intake and graduation each autumn; the story events take effect at the first report
 * after their date, where a closing school appears one last time with its closing date.
 */
export function buildHistory(rng: Rng, plan: RegistryPlan, reportDays: Day[], events: RegistryEvents): void {
  const byCode = new Map(plan.schools.map((s) => [s.code, s]));
  for (const school of plan.schools) {
    const { enrollment, boardingShare } = plan.base.get(school)!;
    let state: SchoolReport = {
      reportedOn: reportDays[0],
      name: school.name,
      unitCode: school.unitCode,
      enrollment,
      boarders: Math.round(enrollment * boardingShare),
      staff: 0,
      guards: 0,
      closedOn: null,
    };
    state.staff = staffFor(rng, school.type, state.enrollment);
    state.guards = guardsFor(rng, school, state);
    school.reports = [state];
    for (let r = 1; r < reportDays.length; r++) {
      const isAutumn = r % 2 === 1;
      const drift = isAutumn ? YEARLY_TREND[school.type] + rng.normal(0, 0.04) : rng.normal(0, 0.01);
      const next = Math.max(10, Math.round(state.enrollment * (1 + drift)));
      state = {
        ...state,
        reportedOn: reportDays[r],
        enrollment: next,
        boarders: Math.round(next * boardingShare),
        staff: isAutumn ? staffFor(rng, school.type, next) : state.staff,
      };
      state.guards = isAutumn ? guardsFor(rng, school, state) : state.guards;
      school.reports.push(state);
    }
  }
  applyEvents(byCode, reportDays, events);
}

function staffFor(rng: Rng, type: SchoolType, enrollment: number): number {
  return Math.max(3, Math.round((enrollment / STUDENTS_PER_STAFF[type]) * rng.float(0.9, 1.15)));
}

function guardsFor(rng: Rng, school: School, state: SchoolReport): number {
  const required = requiredGuards(state.enrollment, state.boarders);
  if (school.isGuardShort) return Math.max(0, required - (required >= 4 && rng.chance(0.3) ? 2 : 1));
  return required + (rng.chance(0.25) ? 1 : 0);
}

function applyEvents(byCode: Map<string, School>, reportDays: Day[], events: RegistryEvents): void {
  const firstReportAfter = (day: Day) => reportDays.findIndex((d) => d > day);
  const from = (index: number, school: School, change: (r: SchoolReport) => SchoolReport) => {
    for (let r = index; r >= 0 && r < school.reports.length; r++) {
      const report = school.reports[r];
      if (report) school.reports[r] = change(report);
    }
  };
  const close = (school: School, closedOn: Day) => {
    const last = firstReportAfter(closedOn);
    school.closedOn = closedOn;
    if (last < 0) return;
    school.reports[last] = { ...school.reports[last - 1]!, reportedOn: reportDays[last], closedOn };
    for (let r = last + 1; r < school.reports.length; r++) school.reports[r] = null;
  };
  if (events.rename) {
    const { code, newName, effectiveOn } = events.rename;
    from(firstReportAfter(effectiveOn), byCode.get(code)!, (r) => ({ ...r, name: newName }));
  }
  if (events.move) {
    const { code, toUnit, effectiveOn } = events.move;
    from(firstReportAfter(effectiveOn), byCode.get(code)!, (r) => ({ ...r, unitCode: toUnit }));
  }
  if (events.closure) close(byCode.get(events.closure.code)!, events.closure.closedOn);
  if (events.merge) {
    const absorbed = byCode.get(events.merge.absorbed)!;
    const absorber = byCode.get(events.merge.absorber)!;
    const at = firstReportAfter(events.merge.closedOn);
    const moving = absorbed.reports[at - 1]!;
    close(absorbed, events.merge.closedOn);
    from(at, absorber, (r) => ({
      ...r,
      enrollment: r.enrollment + moving.enrollment,
      boarders: r.boarders + moving.boarders,
      staff: r.staff + Math.round(moving.staff * 0.8),
      guards: Math.max(r.guards, requiredGuards(r.enrollment + moving.enrollment, r.boarders + moving.boarders)),
    }));
  }
}

/** The school's registry state on a day: the latest report on or before it (the first before the first). */
export function stateOn(school: School, day: Day): SchoolReport | null {
  let found: SchoolReport | null = school.reports[0];
  for (const report of school.reports) {
    if (!report || report.reportedOn > day) break;
    found = report;
  }
  if (school.closedOn !== null && day >= school.closedOn) return null;
  return found;
}

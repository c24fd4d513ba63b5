/**
 * The city's story: which schools are renamed, merged, closed and moved, and the two
 * veto cases planted every year (a death in 禹州市, a serious case reported days late in
 * 许昌经济技术开发区), and the silences the source monitor must find (silences.ts). Chosen from
 * the registry by rule, so the codes follow from the seed and size; story.json records them for
 * docs, tests and dashboards.
 */
import { dayOf, momentOf, schoolDays, type Day, type Moment } from './calendar.ts';
import { profileOf } from './profiles.ts';
import type { Rng } from './random.ts';
import type { Unit } from './reference.ts';
import type { RegistryEvents, RegistryPlan, School } from './registry.ts';
import type { Silences } from './silences.ts';

export interface PlantedCase {
  year: number;
  caseId: string;
  schoolCode: string;
  unitCode: string;
  occurredAt: Moment;
  reportedAt: Moment;
}

export interface Story {
  events: RegistryEvents;
  deaths: PlantedCase[];
  lateReports: PlantedCase[];
  /** Pairs of codes sharing a serial (a primary and its attached kindergarten). */
  sharedSerials: [string, string][];
  /** Who stops sending what in the last year (silences.ts). */
  silences: Silences;
}

/**
 * Where the story happens, by role. The units of each kind are taken in units.csv order, which
 * in 许昌市 gives the units docs/demo-city.md and the tests name: a rename in 魏都区, a move from
 * 建安区 to 城乡一体化示范区, a closure in 襄城县, the deaths, a merge and the self-inspection
 * silence in 禹州市, the late reports in 许昌经济技术开发区, the alert silence in 鄢陵县. A city
 * without a unit for a role has no such event.
 */
export interface StoryUnits {
  renamed?: string;
  movedFrom?: string;
  movedTo?: string;
  closed?: string;
  deaths?: string;
  lateReports?: string;
  silentAlerts: string;
  silentSelfInspections: string;
}

export function storyUnits(units: readonly Unit[]): StoryUnits {
  const of = (kind: Unit['kind']) => units.filter((u) => u.kind === kind).map((u) => u.code);
  const [districts, counties, countyCities, zones] = [of('district'), of('county'), of('county_city'), of('functional_zone')];
  const movedFrom = districts[1];
  const closed = counties.at(-1) ?? countyCities.at(-1);
  const deaths = countyCities[0] ?? counties[0];
  return {
    renamed: districts[0],
    movedFrom,
    movedTo: movedFrom && (zones[1] ?? zones[0] ?? districts.find((d) => d !== movedFrom)),
    closed,
    deaths,
    lateReports: zones[0] ?? districts[0],
    silentAlerts: [...counties, ...countyCities, ...districts].find((c) => c !== deaths && c !== closed) ?? units[0].code,
    silentSelfInspections: deaths ?? units[0].code,
  };
}

export function planStory(rng: Rng, plan: RegistryPlan, years: number[], where: StoryUnits): Omit<Story, 'silences'> {
  const taken = new Set<string>();
  const enrollment = (s: School) => plan.base.get(s)!.enrollment;
  const candidates = (unit: string | undefined, filter: (s: School) => boolean = () => true) =>
    plan.schools.filter((s) => s.unitCode === unit && s.siblingCode === null && !taken.has(s.code) && filter(s));
  const take = (s: School | undefined) => {
    if (s) taken.add(s.code);
    return s;
  };
  const prefer = (unit: string | undefined, ...filters: ((s: School) => boolean)[]) => {
    for (const f of filters) {
      const found = candidates(unit, f);
      if (found.length) return found;
    }
    return candidates(unit);
  };
  const first = years[0];
  const middle = years[Math.min(1, years.length - 1)];
  const last = years[years.length - 1];

  const deathSchool = take(rng.pick(prefer(where.deaths, (s) => s.isNearWater && s.type !== '幼儿园', (s) => s.type !== '幼儿园')));
  const lateSchool = take(rng.pick(prefer(where.lateReports, (s) => s.type === '初中' || s.type === '小学', (s) => s.type !== '幼儿园')));

  const events: RegistryEvents = {};
  const renamed = take(prefer(where.renamed, (s) => s.type === '小学' && s.ownership === '公办' && !s.isRural, (s) => s.type === '小学')[0]);
  if (renamed) events.rename = { code: renamed.code, newName: newNameFor(renamed.name), effectiveOn: dayOf(first, 8, 20) };

  const primaries = prefer(where.deaths, (s) => s.type === '小学').sort((a, b) => enrollment(a) - enrollment(b));
  if (primaries.length >= 2) {
    const absorbed = take(primaries[0])!;
    const absorber = take(primaries[primaries.length - 1])!;
    events.merge = { absorbed: absorbed.code, absorber: absorber.code, closedOn: dayOf(last, 7, 31) };
  }
  const closing = take(prefer(where.closed, (s) => s.type === '小学' && s.isRural).sort((a, b) => enrollment(a) - enrollment(b))[0]);
  if (closing) events.closure = { code: closing.code, closedOn: dayOf(middle, 7, 10) };

  const moving = take(prefer(where.movedFrom, (s) => s.type === '小学' || s.type === '幼儿园')[0]);
  if (moving && where.movedTo) events.move = { code: moving.code, toUnit: where.movedTo, effectiveOn: dayOf(middle, 8, 1) };

  const deaths: PlantedCase[] = [];
  const lateReports: PlantedCase[] = [];
  for (const year of years) {
    if (deathSchool) {
      const occurredAt = momentOf(dayOf(year, 7, rng.int(14, 31)), rng.int(14, 18), rng.int(0, 59));
      deaths.push({ year, caseId: `AJ${year}-${deathSchool.code}-D`, schoolCode: deathSchool.code, unitCode: deathSchool.unitCode, occurredAt, reportedAt: occurredAt + rng.int(40, 150) * 60 });
    }
    if (lateSchool) {
      const occurredAt = momentOf(rng.pick(schoolDays(year, 11)), rng.int(11, 17), rng.int(0, 59));
      const reportedAt = occurredAt + rng.int(72, 120) * 3600 + rng.int(0, 59) * 60;
      lateReports.push({ year, caseId: `AJ${year}-${lateSchool.code}-L`, schoolCode: lateSchool.code, unitCode: lateSchool.unitCode, occurredAt, reportedAt });
    }
  }
  const sharedSerials = plan.schools
    .filter((s) => s.siblingCode !== null && s.type === '小学')
    .map((s): [string, string] => [s.code, s.siblingCode!]);
  return { events, deaths, lateReports, sharedSerials };
}

function newNameFor(name: string): string {
  const renamed = name.replace(/(小学|初级中学|高级中学|幼儿园)$/, '实验$1');
  return renamed === name || name.includes('实验') ? `${name.replace(/(小学|初级中学|高级中学|幼儿园)$/, '')}育才${name.match(/(小学|初级中学|高级中学|幼儿园)$/)?.[1] ?? '学校'}` : renamed;
}

const iso = (day: Day) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const isoMinute = (moment: Moment) => new Date(moment * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** story.json: the story with codes, names and dates spelled out; `silences` as silences.ts's SilenceWatch saw them land. */
export function storyJson(story: Story, schools: School[], units: readonly Unit[], silences: unknown): unknown {
  const byCode = new Map(schools.map((s) => [s.code, s]));
  const { rename, merge, closure, move } = story.events;
  const planted = (c: PlantedCase) => ({
    year: c.year,
    case_id: c.caseId,
    school_code: c.schoolCode,
    unit_code: c.unitCode,
    occurred_at: isoMinute(c.occurredAt),
    reported_at: isoMinute(c.reportedAt),
  });
  return {
    renamed: rename
      ? { school_code: rename.code, unit_code: byCode.get(rename.code)!.unitCode, old_name: byCode.get(rename.code)!.name, new_name: rename.newName, effective_on: iso(rename.effectiveOn) }
      : null,
    merged: merge
      ? { absorbed_code: merge.absorbed, absorber_code: merge.absorber, unit_code: byCode.get(merge.absorbed)!.unitCode, closed_on: iso(merge.closedOn) }
      : null,
    closed: closure ? { school_code: closure.code, unit_code: byCode.get(closure.code)!.unitCode, closed_on: iso(closure.closedOn) } : null,
    moved: move ? { school_code: move.code, from_unit: byCode.get(move.code)!.unitCode, to_unit: move.toUnit, effective_on: iso(move.effectiveOn) } : null,
    deaths: story.deaths.map(planted),
    late_reports: story.lateReports.map(planted),
    shared_serials: story.sharedSerials,
    silences,
    profiles: Object.fromEntries(units.map((u) => [u.code, profileOf(u.code).summary])),
  };
}

/**
 * The story's silences, for the source monitor (报送监测) to find: in the last year one unit's
 * alert exports stop in mid-October (鄢陵县 in 许昌市, every platform), and 30 schools of 禹州市
 * stop self-inspecting (自查) from September (the units by role in another city: story.ts). Chosen by rule from the registry on a stream of their
 * own, so the rest of the story and every other export's draws stay as they were; the exports
 * leave the silenced rows out after drawing them. story.json records who, from when, the last
 * record of each that lands, and the flags the monitor must raise (ReportingWatch).
 */
import { dayOf, dayOfMoment, daysInMonth, TERM_MONTHS, type Day } from './calendar.ts';
import type { City } from './city.ts';
import type { LandedRowListener } from './export-file.ts';
import type { Row } from './format.ts';
import type { Rng } from './random.ts';
import { stateOn, type RegistryPlan, type School } from './registry.ts';
import type { Story, StoryUnits } from './story.ts';

export interface Silences {
  /** A unit whose alerts stop being exported (all three platforms) from `from` on. */
  alerts: { unitCode: string; from: Day };
  /** Schools that log no self-inspection from `from` on (supervision visits go on). */
  selfInspections: { unitCode: string; from: Day; schools: string[] };
}

const SELF_INSPECTION_SCHOOLS = 30;
/** In a city too small for 30, at most this share of the unit's eligible schools. */
const MAX_SHARE = 0.25;

export function planSilences(rng: Rng, plan: RegistryPlan, story: Omit<Story, 'silences'>, where: StoryUnits, lastYear: number): Silences {
  const { rename, merge, closure, move } = story.events;
  const inStory = new Set(
    [rename?.code, merge?.absorbed, merge?.absorber, closure?.code, move?.code, ...story.deaths.map((c) => c.schoolCode), ...story.lateReports.map((c) => c.schoolCode)].filter(
      (code): code is string => code !== undefined,
    ),
  );
  const eligible = plan.schools.filter((s) => s.unitCode === where.silentSelfInspections && s.siblingCode === null && !inStory.has(s.code));
  const count = Math.min(SELF_INSPECTION_SCHOOLS, Math.floor(eligible.length * MAX_SHARE));
  return {
    alerts: { unitCode: where.silentAlerts, from: dayOf(lastYear, 10, 15) },
    selfInspections: {
      unitCode: where.silentSelfInspections,
      from: dayOf(lastYear, 9, 1),
      schools: rng
        .sample(eligible, count)
        .map((s) => s.code)
        .sort(),
    },
  };
}

/** Whether the school's alerts of that day are never exported (its unit that day is the silent one). */
export function isSilencedAlert(silences: Silences, school: School, day: Day): boolean {
  return day >= silences.alerts.from && stateOn(school, day)?.unitCode === silences.alerts.unitCode;
}

/** Whether the school's self-inspection of that day never takes place. */
export function isSilencedSelfInspection(silences: Silences, school: School, day: Day): boolean {
  return day >= silences.selfInspections.from && silences.selfInspections.schools.includes(school.code);
}

/** What data/reference/source_cadence.csv ships for self-inspections: a month's 自查 is due by the 10th of the next; one month overdue is 迟报, two 缺报. */
const SELF_INSPECTION_DUE_DAYS = 10;
const LATE_AFTER_MONTHS = 1;
const MISSING_AFTER_MONTHS = 2;
/** … and for each unit's sensors and alerts: a day's records are due the day after; 3 days overdue is 迟报, 7 缺报. */
const DAILY_DUE_DAYS = 1;
const DAILY_LATE_AFTER_DAYS = 3;
const DAILY_MISSING_AFTER_DAYS = 7;
/** The business moment of a daily feed's row. */
const DAILY_MOMENT = { alerts: 'raised_at', sensors: 'event_at' } as const;

export interface HealthFlag {
  scope: 'unit' | 'school';
  source: 'alerts' | 'sensors' | 'inspections';
  unit_code: string;
  school_code: string | null;
  status: '迟报' | '缺报';
  latest_on: string | null;
}

/**
 * Listens to the rows that land (wrapping any other listener) and keeps the last business day of
 * every unit's sensors and alerts and of every school's self-inspections: what story.json's
 * `flags` are worked out from.
 */
export class ReportingWatch {
  /** Per `source unit_code` of the daily feeds. */
  private readonly lastDaily = new Map<string, Day>();
  private readonly lastSelfInspection = new Map<string, Day>();
  private readonly schools: Map<string, School>;

  constructor(private readonly city: City) {
    this.schools = new Map(city.schools.map((s) => [s.code, s]));
  }

  listener(next?: LandedRowListener): LandedRowListener {
    return (file, source, row) => {
      this.see(source, row);
      next?.(file, source, row);
    };
  }

  private see(source: string, row: Row): void {
    const school = this.schools.get(String(row.school_code));
    if (!school) return;
    if (source === 'alerts' || source === 'sensors') {
      const day = dayOfMoment(Number(row[DAILY_MOMENT[source]]));
      const unitCode = stateOn(school, day)?.unitCode;
      if (unitCode === undefined) return;
      const key = `${source} ${unitCode}`;
      this.lastDaily.set(key, Math.max(this.lastDaily.get(key) ?? day, day));
    } else if (source === 'inspections' && row.inspection_kind === '自查') {
      const day = Number(row.inspected_on);
      this.lastSelfInspection.set(school.code, Math.max(this.lastSelfInspection.get(school.code) ?? day, day));
    }
  }

  /**
   * How a school's self-inspections stand on the cut-off, as the monitor judges them: the months with
   * a school day (not August) since its last 自查, while it was open, whose deadline has passed.
   */
  private selfInspectionFlag(school: School): HealthFlag | null {
    const { years, cutoff } = this.city;
    const lastYear = years[years.length - 1];
    if (school.openedOn > cutoff || (school.closedOn !== null && school.closedOn <= dayOf(lastYear, 1, 1))) return null;
    const last = this.lastSelfInspection.get(school.code) ?? null;
    let missed = 0;
    for (const year of years) {
      for (const month of TERM_MONTHS) {
        const start = dayOf(year, month, 1);
        const end = start + daysInMonth(year, month) - 1;
        const open = start >= school.openedOn && (school.closedOn === null || end < school.closedOn);
        if (open && (last === null || start > last) && end + SELF_INSPECTION_DUE_DAYS < cutoff) missed++;
      }
    }
    if (missed < LATE_AFTER_MONTHS) return null;
    const unitCode = stateOn(school, Math.min(cutoff, (school.closedOn ?? cutoff + 1) - 1))!.unitCode;
    const status = missed >= MISSING_AFTER_MONTHS ? '缺报' : '迟报';
    return { scope: 'school', source: 'inspections', unit_code: unitCode, school_code: school.code, status, latest_on: last === null ? null : iso(last) };
  }

  /**
   * How each unit's sensors and alerts stand on the cut-off: the days since the last record whose
   * deadline has passed. The silent unit's alerts come first in `flags` and are left out here.
   * (A volume drop, 异常, is not foreseen: the test on the demo city would show one.)
   */
  private dailyFlags(): HealthFlag[] {
    const { cutoff, story } = this.city;
    return [...this.lastDaily]
      .filter(([key]) => key !== `alerts ${story.silences.alerts.unitCode}`)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([key, last]): HealthFlag[] => {
        const [source, unitCode] = key.split(' ') as ['alerts' | 'sensors', string];
        const overdue = Math.max(0, cutoff - DAILY_DUE_DAYS - last - 1);
        if (overdue < DAILY_LATE_AFTER_DAYS) return [];
        const status = overdue >= DAILY_MISSING_AFTER_DAYS ? '缺报' : '迟报';
        return [{ scope: 'unit', source, unit_code: unitCode, school_code: null, status, latest_on: iso(last) }];
      });
  }

  /**
   * story.json's `silences`: who stopped sending what, from when and the last record of each that
   * landed; and `flags`: every row the monitor must report on the data's last day with the shipped
   * data/reference/source_cadence.csv — the silent unit's alerts, the silenced schools, and any other
   * unit whose daily sensors or alerts, or school whose monthly self-inspections (at the profile's
   * 95%), happened to lapse at the end.
   */
  json(): unknown {
    const { alerts, selfInspections } = this.city.story.silences;
    const unitName = (code: string) => this.city.units.find((u) => u.code === code)!.name;
    const lastOf = (code: string) => {
      const day = this.lastSelfInspection.get(code);
      return day === undefined ? null : iso(day);
    };
    const silentAlerts = this.lastDaily.get(`alerts ${alerts.unitCode}`);
    const lastAlert = silentAlerts === undefined ? null : iso(silentAlerts);
    const flags: HealthFlag[] = [
      { scope: 'unit', source: 'alerts', unit_code: alerts.unitCode, school_code: null, status: '缺报', latest_on: lastAlert },
      ...this.dailyFlags(),
      ...this.city.schools
        .slice()
        .sort((a, b) => a.code.localeCompare(b.code))
        .flatMap((school) => this.selfInspectionFlag(school) ?? []),
    ];
    return {
      alerts: { source: 'alerts', unit_code: alerts.unitCode, unit_name: unitName(alerts.unitCode), stopped_on: iso(alerts.from), last_record_on: lastAlert },
      self_inspections: {
        source: 'inspections',
        record_kind: '自查',
        unit_code: selfInspections.unitCode,
        unit_name: unitName(selfInspections.unitCode),
        stopped_on: iso(selfInspections.from),
        schools: selfInspections.schools.map((code) => {
          const school = this.schools.get(code)!;
          const name = school.reports.filter((r) => r !== null).at(-1)?.name ?? school.name;
          return { school_code: code, school_name: name, last_record_on: lastOf(code) };
        }),
      },
      flags,
    };
  }
}

const iso = (day: Day) => new Date(day * 86_400_000).toISOString().slice(0, 10);

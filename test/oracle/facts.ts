/**
 * The oracle's facts: the landed rows typed, the registry's history, hazards with their
 * rectification as the edition counts it, and device state intervals — each built from the
 * rules in DOMAIN §3–5 and docs/scoring.md, in plain TypeScript.
 */
import { dayOfSeconds, type Day } from './calendar.ts';
import { num, text, type CityRows } from './city.ts';

export interface Report {
  school: string;
  unit: string;
  type: string;
  enrollment: number | null;
  boarders: number | null;
  guards: number | null;
  nearWater: boolean;
  opened: Day | null;
  closed: Day | null;
  reported: Day;
}

export interface Item {
  inspectionId: string;
  school: string;
  on: Day;
  kind: string;
  item: string;
  result: string;
}

export interface Hazard {
  school: string;
  item: string;
  found: Day;
  level: string;
  due: Day | null;
  reportedRectified: Day | null;
  recheckFailed: boolean;
}

export interface Interval {
  device: string;
  school: string;
  type: string;
  state: 'online' | 'offline' | 'fault';
  start: number;
  /** null: still in this state when the data ends. */
  end: number | null;
}

export interface Alert {
  school: string;
  origin: string;
  level: string;
  raised: number;
  acknowledged: number | null;
  closed: number | null;
  disposition: string | null;
}

export interface Case {
  id: string;
  school: string;
  occurred: number;
  reported: number;
  category: string;
  severity: string;
  deaths: number;
  investigationClosed: number | null;
}

export interface Activity {
  school: string | null;
  unit: string | null;
  on: Day;
  kind: string;
  topic: string | null;
  action: string | null;
  returned: number | null;
  screened: number | null;
  warned: number | null;
  tracked: number | null;
  deadline: Day | null;
  replied: Day | null;
}

/** The facts of the city, or (indexed) of one school. */
export interface SchoolFacts {
  items: Item[];
  hazards: Hazard[];
  intervals: Interval[];
  alerts: Alert[];
  cases: Case[];
  activities: Activity[];
}

export interface Facts extends SchoolFacts {
  /** Each school's registry reports, oldest first. */
  registry: Map<string, Report[]>;
  /** Every day an export records something happening (DOMAIN: due dates are plans, not facts). */
  factDays: Day[];
}

export function factsOf(rows: CityRows): Facts {
  const registry = new Map<string, Report[]>();
  for (const r of rows.schools) {
    const report: Report = {
      school: String(r.school_code),
      unit: String(r.unit_code),
      type: String(r.school_type),
      enrollment: num(r.enrollment),
      boarders: num(r.boarders),
      guards: num(r.guards),
      nearWater: r.is_near_water === true,
      opened: num(r.opened_on),
      closed: num(r.closed_on),
      reported: Number(r.reported_on),
    };
    registry.set(report.school, [...(registry.get(report.school) ?? []), report]);
  }
  for (const reports of registry.values()) reports.sort((a, b) => a.reported - b.reported);

  const items: Item[] = rows.inspections.map((r) => ({
    inspectionId: String(r.inspection_id),
    school: String(r.school_code),
    on: Number(r.inspected_on),
    kind: String(r.inspection_kind),
    item: String(r.item_code),
    result: String(r.result),
  }));
  const hazards: Hazard[] = rows.inspections
    .filter((r) => r.result === '不合格')
    .map((r) => ({
      school: String(r.school_code),
      item: String(r.item_code),
      found: Number(r.inspected_on),
      level: text(r.hazard_level) ?? '一般',
      due: num(r.due_on),
      reportedRectified: num(r.rectified_on),
      recheckFailed: r.recheck_result === '不合格',
    }));

  const alerts: Alert[] = rows.alerts.map((r) => ({
    school: String(r.school_code),
    origin: String(r.origin),
    level: String(r.level),
    raised: Number(r.raised_at),
    acknowledged: num(r.acknowledged_at),
    closed: num(r.closed_at),
    disposition: text(r.disposition),
  }));
  const cases: Case[] = rows.cases.map((r) => ({
    id: String(r.case_id),
    school: String(r.school_code),
    occurred: Number(r.occurred_at),
    reported: Number(r.reported_at),
    category: String(r.category),
    severity: String(r.severity),
    deaths: num(r.n_deaths) ?? 0,
    investigationClosed: num(r.investigation_closed_at),
  }));
  const activities: Activity[] = rows.activities.map((r) => ({
    school: text(r.school_code),
    unit: text(r.unit_code),
    on: Number(r.activity_on),
    kind: String(r.activity_kind),
    topic: text(r.topic),
    action: text(r.supervision_action),
    returned: num(r.n_returned),
    screened: num(r.n_screened),
    warned: num(r.n_warned),
    tracked: num(r.n_tracked),
    deadline: num(r.deadline_on),
    replied: num(r.replied_on),
  }));

  const latest = (...values: (number | null)[]) => Math.max(...values.filter((v): v is number => v !== null));
  const factDays: Day[] = [
    ...rows.inspections.flatMap((r) => [Number(r.inspected_on), ...(r.rectified_on === null ? [] : [Number(r.rectified_on)])]),
    ...rows.sensors.map((r) => dayOfSeconds(Number(r.event_at))),
    ...alerts.map((a) => dayOfSeconds(latest(a.raised, a.acknowledged, a.closed))),
    ...cases.map((c) => dayOfSeconds(latest(c.occurred, c.reported, c.investigationClosed))),
    ...activities.map((a) => latest(a.on, a.replied)),
  ];
  return { registry, items, hazards, intervals: intervalsOf(rows), alerts, cases, activities, factDays };
}

/**
 * Device states from status events: 在线, 报警 and 恢复 mean online, 离线 offline, 故障 fault;
 * at one instant the worst state wins; a state lasts until the next event that changes it.
 */
function intervalsOf(rows: CityRows): Interval[] {
  const severity = (status: string) => (status === '故障' ? 3 : status === '离线' ? 2 : 1);
  const byDevice = new Map<string, { at: number; severity: number; school: string; type: string }[]>();
  for (const r of rows.sensors) {
    const device = String(r.device_id);
    byDevice.set(device, [...(byDevice.get(device) ?? []), { at: Number(r.event_at), severity: severity(String(r.status)), school: String(r.school_code), type: String(r.device_type) }]);
  }
  const intervals: Interval[] = [];
  for (const [device, events] of byDevice) {
    events.sort((a, b) => a.at - b.at);
    const instants: typeof events = [];
    for (const e of events) {
      const last = instants.at(-1);
      if (last && last.at === e.at) last.severity = Math.max(last.severity, e.severity);
      else instants.push({ ...e });
    }
    const starts = instants.filter((e, i) => i === 0 || instants[i - 1].severity !== e.severity);
    starts.forEach((e, i) =>
      intervals.push({
        device,
        school: e.school,
        type: e.type,
        state: e.severity === 3 ? 'fault' : e.severity === 2 ? 'offline' : 'online',
        start: e.at,
        end: i + 1 < starts.length ? starts[i + 1].at : null,
      }),
    );
  }
  return intervals;
}

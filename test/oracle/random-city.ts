/**
 * Small random cities for property tests: a few schools with registry histories (moves,
 * openings and closings inside the year), inspections and hazards with every level, due date,
 * rectification and re-check, device events (several at one instant included), alerts, cases
 * and activities, and unit supervision — shapes the demo generator never makes. Every row is
 * valid, so all of it lands; the rows are the same canonical records the generator emits (days
 * and seconds since 1970, Shanghai wall time), written to NDJSON with ISO dates.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Row } from '../../demo/format.ts';
import { dayOf, iso, SECONDS_PER_DAY, type Day } from './calendar.ts';
import type { CityRows, Source } from './city.ts';

const TYPES: [string, string][] = [['幼儿园', '11'], ['小学', '21'], ['初中', '31'], ['高中', '34'], ['中职', '36'], ['特教', '51']];
const UNITS = ['411002', '411003', '411024', '411025', '411081', '411082', '411071', '411072', '411073', '411000'];
const ITEMS = ['XF01', 'XF02', 'XF05', 'XF06', 'XF07', 'XF08', 'XS01', 'RF01', 'RF02', 'JF01', 'NS01', 'XL01'];
const DEVICE_TYPES = ['烟感', '电气火灾监测', '消防水压', '一键报警', '视频', '周界'];
const STATUSES = ['在线', '离线', '故障', '报警', '恢复'];
const ORIGINS = ['视频AI', '语音AI', '消防物联', '巡查', '心理'];
const CATEGORIES = ['欺凌', '溺水', '意外伤害', '火灾', '交通', '心理危机'];
const SEVERITIES = ['一般', '较大', '重大', '特别重大'];
const TOPICS = ['防溺水', '防欺凌', '消防', '综合'];
const YEAR_START = dayOf(2025, 1, 1);
const YEAR_DAYS = 365;
const REPORT_DAYS = [dayOf(2024, 9, 1), dayOf(2025, 3, 1), dayOf(2025, 9, 1)];

const day = fc.integer({ min: 0, max: YEAR_DAYS - 1 }).map((d) => YEAR_START + d);
const moment = fc.integer({ min: 0, max: YEAR_DAYS * SECONDS_PER_DAY - 1 }).map((s) => YEAR_START * SECONDS_PER_DAY + s);
const maybe = <T>(arb: fc.Arbitrary<T>, weight = 1) => fc.option(arb, { nil: null, freq: weight + 1 });

const report = fc.record({
  unit: fc.constantFrom(...UNITS),
  enrollment: fc.integer({ min: 0, max: 2600 }),
  boarderShare: fc.constantFrom(0, 0, 0.2, 0.6),
  guards: fc.integer({ min: 0, max: 9 }),
});

const school = fc.record({
  type: fc.constantFrom(...TYPES),
  nearWater: fc.boolean(),
  reports: fc.subarray(REPORT_DAYS, { minLength: 1 }).chain((days) => fc.tuple(...days.map((d) => report.map((r) => ({ ...r, reportedOn: d }))))),
  // most opened long ago; some open during the year
  openedOn: fc.oneof({ weight: 4, arbitrary: fc.constant(dayOf(2005, 9, 1)) }, { weight: 1, arbitrary: day }),
  closedOn: maybe(day, 3),
  inspections: fc.array(
    fc.record({
      on: day,
      kind: fc.constantFrom('自查', '自查', '督查', '联合检查'),
      items: fc.subarray(ITEMS, { minLength: 1, maxLength: 4 }),
      outcomes: fc.array(
        fc.record({
          result: fc.constantFrom('合格', '合格', '不合格', '不合格', '不适用'),
          level: maybe(fc.constantFrom('一般', '较大', '重大')),
          dueAfter: fc.integer({ min: 0, max: 40 }),
          rectifiedAfter: maybe(fc.integer({ min: 0, max: 60 })),
          recheck: maybe(fc.constantFrom('合格', '不合格')),
        }),
        { minLength: 4, maxLength: 4 },
      ),
    }),
    { maxLength: 7 },
  ),
  devices: fc.array(fc.record({ type: fc.constantFrom(...DEVICE_TYPES), events: fc.array(fc.record({ at: moment, status: fc.constantFrom(...STATUSES), twin: fc.boolean() }), { minLength: 1, maxLength: 6 }) }), { maxLength: 3 }),
  alerts: fc.array(
    fc.record({
      origin: fc.constantFrom(...ORIGINS),
      level: fc.constantFrom('红', '橙', '黄', '蓝'),
      raised: moment,
      ackAfter: maybe(fc.integer({ min: 0, max: 6 * 3600 })),
      closeAfter: maybe(fc.integer({ min: 0, max: 50 * 3600 })),
      disposition: maybe(fc.constantFrom('真实', '误报', '重复')),
    }),
    { maxLength: 6 },
  ),
  cases: fc.array(
    fc.record({
      category: fc.constantFrom(...CATEGORIES),
      severity: fc.constantFrom(...SEVERITIES),
      occurred: moment,
      reportAfter: fc.integer({ min: 0, max: 60 * 3600 }),
      deaths: fc.constantFrom(0, 0, 0, 1),
      closeAfter: maybe(fc.integer({ min: 0, max: 20 * SECONDS_PER_DAY })),
    }),
    { maxLength: 2 },
  ),
  activities: fc.array(
    fc.record({
      kind: fc.constantFrom('应急演练', '安全教育课', '告知书', '欺凌调查', '心理测评', '心理课', '水域巡查'),
      on: day,
      topic: fc.constantFrom(...TOPICS),
      sent: fc.integer({ min: 0, max: 2600 }),
      returnedShare: fc.constantFrom(0, 0.5, 0.9, 1),
      warnedShare: fc.constantFrom(0, 0.05),
      trackedShare: fc.constantFrom(0, 0.5, 1),
    }),
    { maxLength: 14 },
  ),
});

const supervision = fc.record({
  unit: fc.constantFrom(...UNITS),
  action: fc.constantFrom('约谈', '交办函', '交办函', '提示函', '处罚'),
  on: day,
  deadlineAfter: fc.integer({ min: 0, max: 30 }),
  replyAfter: maybe(fc.integer({ min: 0, max: 40 })),
});

export const randomCity = fc
  .record({ schools: fc.array(school, { minLength: 2, maxLength: 7 }), supervision: fc.array(supervision, { maxLength: 6 }) })
  .map(({ schools, supervision }) => cityRows(schools, supervision));

type SchoolDraft = typeof school extends fc.Arbitrary<infer T> ? T : never;
type SupervisionDraft = typeof supervision extends fc.Arbitrary<infer T> ? T : never;

function cityRows(schools: SchoolDraft[], supervision: SupervisionDraft[]): CityRows {
  const rows: CityRows = { schools: [], inspections: [], sensors: [], alerts: [], cases: [], activities: [] };
  schools.forEach((s, i) => {
    const code = `${s.type[1]}41${100100 + i}`;
    s.reports.forEach((r, k) => {
      const last = k === s.reports.length - 1;
      rows.schools.push({
        school_code: code,
        school_name: `随机学校${i}`,
        unit_code: r.unit,
        school_type: s.type[0],
        enrollment: r.enrollment,
        boarders: s.type[0] === '幼儿园' ? 0 : Math.floor(r.enrollment * r.boarderShare),
        guards: r.guards,
        is_near_water: s.nearWater,
        opened_on: s.openedOn,
        closed_on: last ? s.closedOn : null,
        reported_on: r.reportedOn,
      });
    });
    s.inspections.forEach((ins, k) =>
      ins.items.forEach((item, j) => {
        const o = ins.outcomes[j];
        const failed = o.result === '不合格';
        rows.inspections.push({
          inspection_id: `JC${code}${k}`,
          school_code: code,
          inspected_on: ins.on,
          inspection_kind: ins.kind,
          item_code: item,
          result: o.result,
          hazard_level: failed ? o.level : null,
          due_on: failed ? ins.on + o.dueAfter : null,
          rectified_on: failed && o.rectifiedAfter !== null ? ins.on + o.rectifiedAfter : null,
          recheck_result: failed && o.rectifiedAfter !== null ? o.recheck : null,
        });
      }),
    );
    s.devices.forEach((d, k) => {
      const seen = new Set<string>();
      for (const e of d.events) {
        // a twin: a second status reported at the same instant
        const statuses = e.twin ? [e.status, STATUSES[(STATUSES.indexOf(e.status) + 2) % STATUSES.length]] : [e.status];
        for (const status of statuses) {
          if (seen.has(`${e.at}${status}`)) continue;
          seen.add(`${e.at}${status}`);
          rows.sensors.push({ device_id: `${code}-D${k}`, school_code: code, device_type: d.type, event_at: e.at, status });
        }
      }
    });
    s.alerts.forEach((a, k) => {
      const acknowledged = a.ackAfter === null ? null : a.raised + a.ackAfter;
      rows.alerts.push({
        alert_id: `GJ${code}${k}`,
        school_code: code,
        origin: a.origin,
        category: '随机告警',
        level: a.level,
        raised_at: a.raised,
        acknowledged_at: acknowledged,
        closed_at: a.closeAfter === null ? null : (acknowledged ?? a.raised) + a.closeAfter,
        disposition: a.disposition,
      });
    });
    s.cases.forEach((c, k) =>
      rows.cases.push({
        case_id: `AJ${code}${k}`,
        school_code: code,
        occurred_at: c.occurred - (c.occurred % 60),
        reported_at: c.occurred - (c.occurred % 60) + c.reportAfter - (c.reportAfter % 60),
        category: c.category,
        severity: c.severity,
        n_injured: 0,
        n_deaths: c.deaths,
        investigation_closed_at: c.closeAfter === null ? null : c.occurred - (c.occurred % 60) + c.closeAfter - (c.closeAfter % 60),
        status: c.closeAfter === null ? '处理中' : '已结案',
      }),
    );
    s.activities.forEach((a, k) => {
      const warned = Math.floor(a.sent * a.warnedShare);
      rows.activities.push({
        activity_id: `HD${code}${k}`,
        school_code: code,
        activity_on: a.on,
        activity_kind: a.kind,
        topic: a.kind === '安全教育课' ? a.topic : null,
        n_sent: a.kind === '告知书' ? a.sent : null,
        n_returned: a.kind === '告知书' ? Math.floor(a.sent * a.returnedShare) : null,
        n_screened: a.kind === '心理测评' ? a.sent : null,
        n_warned: a.kind === '心理测评' ? warned : null,
        n_tracked: a.kind === '心理测评' ? Math.floor(warned * a.trackedShare) : null,
      });
    });
  });
  supervision.forEach((v, k) =>
    rows.activities.push({
      activity_id: `DD${v.unit}${k}`,
      school_code: null,
      unit_code: v.unit,
      activity_on: v.on,
      activity_kind: '督导',
      supervision_action: v.action,
      deadline_on: v.action === '交办函' ? v.on + v.deadlineAfter : null,
      replied_on: v.action === '交办函' && v.replyAfter !== null ? v.on + v.replyAfter : null,
    }),
  );
  return rows;
}

const DATE_COLUMNS = new Set(['opened_on', 'closed_on', 'reported_on', 'inspected_on', 'due_on', 'rectified_on', 'activity_on', 'deadline_on', 'replied_on']);
const TIME_COLUMNS = new Set(['event_at', 'raised_at', 'acknowledged_at', 'closed_at', 'occurred_at', 'reported_at', 'investigation_closed_at']);

const spelled = (key: string, value: Row[string]): string | null => {
  if (value === null || value === undefined) return null;
  if (DATE_COLUMNS.has(key)) return iso(value as Day);
  if (TIME_COLUMNS.has(key)) return new Date((value as number) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return String(value);
};

/** Writes one NDJSON file per source (rows in the given order) and returns them registry first. */
export function writeCity(rows: CityRows, dir: string): { path: string; source: Source }[] {
  mkdirSync(dir, { recursive: true });
  const files: { path: string; source: Source }[] = [];
  for (const source of ['schools', 'inspections', 'sensors', 'alerts', 'cases', 'activities'] as Source[]) {
    if (!rows[source].length) continue;
    const path = join(dir, `${source}.ndjson`);
    writeFileSync(path, rows[source].map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, spelled(k, v)])))).join('\n') + '\n');
    files.push({ path, source });
  }
  return files;
}

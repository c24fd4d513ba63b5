/**
 * Every formula key of docs/scoring.md, measured for one school over its window (the days of
 * the period it was open, up to the as-of day) from the oracle's facts. A measure is its value
 * as an exact fraction (null: nothing to measure) and whether the period requires it.
 */
import {
  dayOf,
  dayOfSeconds,
  lastDayOfMonth,
  monthStart,
  quarterStart,
  SECONDS_PER_DAY,
  weekStart,
  yearBefore,
  ymd,
  type Day,
  type Term,
} from './calendar.ts';
import type { Definition, IndicatorDef } from './city.ts';
import { decimal, frac, median, type Fraction } from './exact.ts';
import type { Activity, Hazard, Interval, Report, SchoolFacts } from './facts.ts';

export interface Measure {
  value: Fraction | null;
  required: boolean;
}

/** A school in a period: its registry state on the as-of day and the window it is judged on. */
export interface SchoolWindow {
  report: Report;
  from: Day;
  to: Day;
}

export interface Context {
  definition: Definition;
  terms: Term[];
  quarters: { start: Day; end: Day }[];
  escapeObstacles: Set<string>;
}

const inWindow = (day: Day, w: SchoolWindow) => day >= w.from && day <= w.to;
const windowEndSeconds = (w: SchoolWindow) => (w.to + 1) * SECONDS_PER_DAY;
const measured = (n: number | bigint, d: number | bigint): Measure => ({ value: frac(n, d), required: true });
const nothing: Measure = { value: null, required: true };
const notRequired: Measure = { value: null, required: false };
const rate = (n: number, d: number): Measure => (d > 0 ? measured(n, d) : nothing);
const param = (ind: IndicatorDef, key: string) => ind.params?.[key];

export function measure(ind: IndicatorDef, w: SchoolWindow, f: SchoolFacts, ctx: Context): Measure {
  const p = (key: string) => param(ind, key);
  switch (ind.formula) {
    case 'self_inspection_month_coverage': {
      const items = f.items.filter((i) => inWindow(i.on, w));
      if (!items.length) return nothing;
      const months = new Set(items.filter((i) => i.kind === p('inspection_kind')).map((i) => monthStart(i.on)));
      const a = ymd(w.from);
      const b = ymd(w.to);
      return measured(months.size, (b.y - a.y) * 12 + b.m - a.m + 1);
    }
    case 'checklist_pass_rate': {
      const judged = f.items.filter((i) => inWindow(i.on, w) && (i.result === '合格' || i.result === '不合格'));
      return rate(judged.filter((i) => i.result === '合格').length, judged.length);
    }
    case 'on_time_rectification_rate': {
      const due = f.hazards.filter((h) => h.due !== null && inWindow(h.due, w));
      return rate(due.filter((h) => rectifiedOn(h, ctx) !== null && rectifiedOn(h, ctx)! <= h.due!).length, due.length);
    }
    case 'overdue_major_hazards':
      return measured(openItems(f, w, ctx, (h) => h.level === p('hazard_level') && h.due !== null && h.due < w.to), 1);
    case 'open_escape_obstacles':
      return measured(openItems(f, w, ctx, (h) => ctx.escapeObstacles.has(h.item)), 1);
    case 'hazard_recurrence_rate': {
      const found = f.hazards.filter((h) => inWindow(h.found, w));
      const windowDays = Number(p('window_days'));
      return rate(found.filter((h) => (daysSinceRectification(h, f.hazards, ctx) ?? Infinity) <= windowDays).length, found.length);
    }
    case 'guard_staffing_met': {
      const required = requiredGuards(w.report, ctx.definition);
      if (w.report.guards === null || required === null) return nothing;
      return measured(w.report.guards >= required ? 1 : 0, 1);
    }
    case 'one_key_alarm_uptime':
    case 'camera_uptime':
    case 'fire_device_health': {
      const types = p('device_types') as string[];
      let online = 0;
      let total = 0;
      for (const i of f.intervals.filter((i) => types.includes(i.type))) {
        const seconds = overlapSeconds(i, w);
        total += seconds;
        if (i.state === 'online') online += seconds;
      }
      return total > 0 ? measured(online, total) : nothing;
    }
    case 'median_fault_repair_hours': {
      const repairs = f.intervals.filter((i) => i.state === 'fault' && i.end !== null && inWindow(dayOfSeconds(i.end), w)).map((i) => frac(i.end! - i.start, 3600));
      return repairs.length ? { value: median(repairs), required: true } : nothing;
    }
    case 'evacuation_drill_rate':
      return drills(ind, w, f, ctx);
    case 'parent_letter_receipt_rate':
    case 'drowning_lesson_rate':
    case 'bullying_survey_term_coverage':
    case 'mental_health_course_each_term':
      return termMeasure(ind, w, f, ctx);
    case 'water_patrol_week_coverage': {
      const months = p('months') as number[];
      const weeks: Day[] = [];
      for (let monday = weekStart(w.from); monday <= w.to; monday += 7) if (monday >= w.from && months.includes(ymd(monday).m)) weeks.push(monday);
      if (!weeks.length) return notRequired;
      const patrolled = new Set(f.activities.filter((a) => a.kind === p('activity_kind')).map((a) => weekStart(a.on)));
      return measured(weeks.filter((m) => patrolled.has(m)).length, weeks.length);
    }
    case 'psych_screening_coverage':
    case 'warned_student_tracking_rate': {
      const since = yearBefore(w.to);
      const screenings = f.activities.filter((a) => a.kind === p('activity_kind') && a.on > since && a.on <= w.to);
      const sum = (get: (a: Activity) => number | null) => screenings.reduce((s, a) => s + (get(a) ?? 0), 0);
      if (ind.formula === 'psych_screening_coverage') {
        const enrollment = w.report.enrollment ?? 0;
        return enrollment > 0 ? measured(Math.min(sum((a) => a.screened), enrollment), enrollment) : nothing;
      }
      const warned = sum((a) => a.warned);
      return warned > 0 ? measured(Math.min(sum((a) => a.tracked), warned), warned) : nothing;
    }
    case 'fire_alert_ack_p90_minutes':
    case 'red_orange_ack_median_minutes':
    case 'voice_ai_ack_within_5min_rate':
    case 'alert_closure_24h_rate':
      return alertMeasure(ind, w, f);
    case 'bullying_case_timely_closure_rate': {
      const maxSeconds = Number(p('max_days')) * SECONDS_PER_DAY;
      const judged = f.cases.filter(
        (c) =>
          c.category === p('case_category') &&
          inWindow(dayOfSeconds(c.occurred), w) &&
          (c.investigationClosed !== null || c.occurred + maxSeconds <= windowEndSeconds(w)),
      );
      return rate(judged.filter((c) => c.investigationClosed !== null && c.investigationClosed - c.occurred <= maxSeconds).length, judged.length);
    }
    case 'severity_weighted_incidents_per_10k': {
      const enrollment = w.report.enrollment ?? 0;
      if (!(enrollment > 0)) return nothing;
      const weights = new Map(ctx.definition.severity_weights.map((s) => [s.level, decimal(s.weight)]));
      let total = frac(0);
      for (const c of f.cases.filter((c) => inWindow(dayOfSeconds(c.occurred), w))) {
        const weight = weights.get(c.severity)!;
        total = frac(total.n * weight.d + weight.n * total.d, total.d * weight.d);
      }
      const per = decimal(Number(p('per_students')));
      return { value: frac(total.n * per.n, total.d * per.d * BigInt(enrollment)), required: true };
    }
    default:
      throw new Error(`the oracle has no rule for formula ${ind.formula}`);
  }
}

/** A hazard's rectification as the edition counts it: a failed re-check leaves it open unless the edition says otherwise. */
export function rectifiedOn(h: Hazard, ctx: Context): Day | null {
  if (h.recheckFailed && !ctx.definition.rectification?.failed_recheck_counts_as_rectified) return null;
  return h.reportedRectified;
}

/** Distinct checklist items with a hazard (passing `test`) found by the window's end and not rectified by it. */
function openItems(f: SchoolFacts, w: SchoolWindow, ctx: Context, test: (h: Hazard) => boolean): number {
  const open = f.hazards.filter((h) => h.found <= w.to && test(h) && (rectifiedOn(h, ctx) === null || rectifiedOn(h, ctx)! > w.to));
  return new Set(open.map((h) => h.item)).size;
}

/** Days since the latest earlier rectification of the same item at the school (found before, rectified by this one's day). */
function daysSinceRectification(h: Hazard, all: Hazard[], ctx: Context): number | null {
  let best: number | null = null;
  for (const e of all) {
    const fixed = rectifiedOn(e, ctx);
    if (e.item !== h.item || e.found >= h.found || fixed === null || fixed > h.found) continue;
    const days = h.found - fixed;
    if (best === null || days < best) best = days;
  }
  return best;
}

/** GB/T 29315 as configured: the band's guards, more per students above the open band's minimum, more per boarders. */
export function requiredGuards(report: Report, definition: Definition): number | null {
  const config = definition.guard_staffing;
  const enrollment = report.enrollment;
  if (enrollment === null) return null;
  const band = config.enrollment_bands.find((b) => enrollment >= b.min_enrollment && (b.max_enrollment === undefined || enrollment <= b.max_enrollment));
  if (!band) return null;
  const round = (x: number, how: 'floor' | 'ceil') => (how === 'ceil' ? Math.ceil(x) : Math.floor(x));
  const extra = band.extra_guard_per_students ? round((enrollment - band.min_enrollment) / band.extra_guard_per_students, config.extra_rounding) : 0;
  const boarders = report.boarders ?? 0;
  return band.guards + extra + (boarders > 0 ? round(boarders / config.boarders.extra_guard_per_boarders, config.boarders.rounding) : 0);
}

function overlapSeconds(i: Interval, w: SchoolWindow): number {
  const start = Math.max(i.start, w.from * SECONDS_PER_DAY);
  const end = Math.min(i.end ?? Infinity, windowEndSeconds(w));
  return Math.max(0, end - start);
}

/** C1: monthly in term for schools (a month of the window overlapping a term), quarterly for kindergartens (a quarter ending in it). */
function drills(ind: IndicatorDef, w: SchoolWindow, f: SchoolFacts, ctx: Context): Measure {
  const frequency = param(ind, w.report.type === '幼儿园' ? 'kindergarten_frequency' : 'school_frequency');
  const held = f.activities.filter((a) => a.kind === param(ind, 'activity_kind'));
  let windows: Day[];
  let heldIn: Set<Day>;
  if (frequency === 'quarterly') {
    windows = ctx.quarters.filter((q) => inWindow(q.end, w)).map((q) => q.start);
    heldIn = new Set(held.map((a) => quarterStart(a.on)));
  } else {
    windows = [];
    for (let m = monthStart(w.from); m <= w.to; m = lastDayOfMonth(ymd(m).y, ymd(m).m) + 1) {
      const end = lastDayOfMonth(ymd(m).y, ymd(m).m);
      if (ctx.terms.some((t) => t.start <= end && t.end >= m)) windows.push(m);
    }
    heldIn = new Set(held.map((a) => monthStart(a.on)));
  }
  if (!windows.length) return notRequired;
  return measured(windows.filter((s) => heldIn.has(s)).length, windows.length);
}

/** D1, D3, E1, F3 judge the terms that end in the window, on the activities held anywhere in each term. */
function termMeasure(ind: IndicatorDef, w: SchoolWindow, f: SchoolFacts, ctx: Context): Measure {
  const terms = ctx.terms.filter((t) => inWindow(t.end, w));
  if (!terms.length) return notRequired;
  const kind = param(ind, 'activity_kind');
  const topic = param(ind, 'topic');
  const inTerm = terms.map((t) => f.activities.filter((a) => a.kind === kind && (topic === undefined || a.topic === topic) && a.on >= t.start && a.on <= t.end));
  switch (ind.formula) {
    case 'parent_letter_receipt_rate': {
      const enrollment = w.report.enrollment;
      if (!enrollment) return nothing;
      const returned = inTerm.flat().reduce((s, a) => s + (a.returned ?? 0), 0);
      const letters = enrollment * terms.length;
      return measured(Math.min(returned, letters), letters);
    }
    case 'drowning_lesson_rate': {
      const perTerm = Number(param(ind, 'required_per_term'));
      return measured(
        inTerm.reduce((s, held) => s + Math.min(held.length, perTerm), 0),
        perTerm * terms.length,
      );
    }
    case 'bullying_survey_term_coverage':
      return measured(inTerm.filter((held) => held.length >= Number(param(ind, 'min_per_term') ?? 1)).length, terms.length);
    default: {
      const met = inTerm.filter((held) => held.length >= Number(param(ind, 'min_per_term') ?? 1)).length;
      return measured(met === terms.length ? 1 : 0, 1);
    }
  }
}

/** C2, G2, E3, G1 over the alerts raised in the window; an alert never acknowledged counts as acknowledged when the window ends. */
function alertMeasure(ind: IndicatorDef, w: SchoolWindow, f: SchoolFacts): Measure {
  const origin = param(ind, 'alert_origin');
  const levels = param(ind, 'alert_levels') as string[] | undefined;
  const excluded = (param(ind, 'exclude_dispositions') as string[] | undefined) ?? [];
  const end = windowEndSeconds(w);
  let alerts = f.alerts.filter(
    (a) =>
      inWindow(dayOfSeconds(a.raised), w) &&
      (origin === undefined || a.origin === origin) &&
      (levels === undefined || levels.includes(a.level)) &&
      !(a.disposition !== null && excluded.includes(a.disposition)),
  );
  if (ind.formula === 'alert_closure_24h_rate') {
    const limit = Number(param(ind, 'max_hours') ?? 24) * 3600;
    alerts = alerts.filter((a) => a.closed !== null || a.raised + limit <= end);
    return rate(alerts.filter((a) => a.closed !== null && a.closed - a.raised <= limit).length, alerts.length);
  }
  if (ind.formula === 'voice_ai_ack_within_5min_rate') {
    const limit = Number(param(ind, 'max_minutes')) * 60;
    return rate(alerts.filter((a) => a.acknowledged !== null && a.acknowledged - a.raised <= limit).length, alerts.length);
  }
  if (!alerts.length) return nothing;
  const seconds = alerts.map((a) => (a.acknowledged ?? end) - a.raised).sort((a, b) => a - b);
  if (ind.formula === 'red_orange_ack_median_minutes') return { value: median(seconds.map((s) => frac(s, 60))), required: true };
  // the 90th percentile, interpolated linearly at position 0.9 × (n − 1)
  const position = frac(9 * (seconds.length - 1), 10);
  const low = Number(position.n / position.d);
  const weight = frac(position.n - BigInt(low) * position.d, position.d);
  const high = Math.min(low + 1, seconds.length - 1);
  const value = frac(BigInt(seconds[low]) * weight.d + weight.n * BigInt(seconds[high] - seconds[low]), weight.d * 60n);
  return { value, required: true };
}

export const quartersOf = (years: number[]) => years.flatMap((y) => [1, 2, 3, 4].map((q) => ({ start: dayOf(y, 3 * q - 2, 1), end: lastDayOfMonth(y, 3 * q) })));

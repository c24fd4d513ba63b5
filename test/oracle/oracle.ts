/**
 * A second implementation of the scoring, in plain TypeScript and exact arithmetic, read from
 * docs/scoring.md and DOMAIN §5 rather than from the SQL: every indicator value and status,
 * points, school score, grade, veto, rank, unit score and short board, from the rows the demo
 * generator wrote. test/oracle/oracle.test.ts requires the marts to agree with it exactly.
 */
import { periodsOf, termsAround, yearBefore, ymd, type Day, type Period } from './calendar.ts';
import { definition as loadDefinition, escapeObstacleItems, units as loadUnits, type CityRows, type Definition, type IndicatorDef } from './city.ts';
import { add, clamp01, cmp, decimal, div, frac, max, median, mul, roundHalfUp, scaledHalfUp, sub, type Fraction } from './exact.ts';
import { factsOf, type Facts, type SchoolFacts } from './facts.ts';
import { measure, quartersOf, type Context, type SchoolWindow } from './measures.ts';

export type Status = 'ok' | 'not_applicable' | 'no_data';

export interface IndicatorRow {
  period: string;
  unitCode: string;
  schoolCode: string | null;
  indicatorId: string;
  status: Status;
  value: Fraction | null;
  /** Points in integers of 1/10,000 (null when not applicable). */
  points: bigint | null;
  maxPoints: bigint | null;
}

export interface SchoolCard {
  period: string;
  schoolCode: string;
  unitCode: string;
  schoolType: string;
  enrollment: number | null;
  studentDays: bigint;
  closedOn: Day | null;
  domainPoints: Record<string, bigint | null>;
  earned: bigint;
  applicable: bigint;
  /** In hundredths of a point. */
  score: bigint;
  grade: string;
  vetoReason: string | null;
  rank: number;
  nRanked: number;
  previousRank: number | null;
}

export interface UnitCard {
  period: string;
  unitCode: string;
  nSchools: number;
  nVetoed: number;
  enrollment: number | null;
  /** Hundredths of a point: the shown school mean and supervision score, and the score. */
  schoolMean: bigint;
  supervisionScore: bigint | null;
  score: bigint;
  grade: string;
  rank: number | null;
  previousRank: number | null;
}

export interface Board {
  period: string;
  unitCode: string;
  schoolCode: string | null;
  boardRank: number;
  indicatorId: string;
  /** In 1/10,000. */
  attainment: bigint;
  cityMedian: bigint;
  gap: bigint;
}

export interface OracleResult {
  periods: Period[];
  indicators: IndicatorRow[];
  schools: SchoolCard[];
  units: UnitCard[];
  boards: Board[];
}

const TEN_THOUSAND = 10_000n;

export function oracle(rows: CityRows): OracleResult {
  const facts = factsOf(rows);
  const registryDays = [...facts.registry.values()].flat().map((r) => r.reported);
  const dataUntil = facts.factDays.length ? Math.max(...facts.factDays) : Math.max(...registryDays);
  const years = [...new Set([...facts.factDays, ...registryDays].map((d) => ymd(d).y))].sort();
  const periods = periodsOf(years, dataUntil);
  // one edition in the data folder: the one the periods are scored with
  const definition = loadDefinition(2025);
  const ctx: Context = { definition, terms: termsAround(years), quarters: quartersOf(years), escapeObstacles: escapeObstacleItems() };
  const bySchool = indexBySchool(facts);
  const result: OracleResult = { periods, indicators: [], schools: [], units: [], boards: [] };
  for (const period of periods) {
    const windows = schoolWindows(facts, period);
    const schoolRows = windows.flatMap((w) => scoreSchool(period, w, bySchool.get(w.report.school) ?? emptyFacts(), ctx));
    const unitRows = loadUnits().flatMap((u) => superviseUnit(period, u.code, windows, facts, ctx));
    result.indicators.push(...schoolRows, ...unitRows);
    const cards = schoolCards(period, windows, schoolRows, facts, ctx);
    result.schools.push(...cards);
    result.units.push(...unitCards(period, cards, unitRows, definition));
    result.boards.push(...shortBoards(period, schoolRows, definition));
  }
  previousRanks(result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// the schools of a period

/**
 * A school is in a period when it was open on one of its days up to the as-of day: registered as
 * on the as-of day (its latest report then, else its first), closed as its latest report says.
 */
function schoolWindows(facts: Facts, period: Period): SchoolWindow[] {
  const windows: SchoolWindow[] = [];
  for (const reports of facts.registry.values()) {
    const report = [...reports].reverse().find((r) => r.reported <= period.asOf) ?? reports[0];
    const closed = reports.at(-1)!.closed;
    const from = Math.max(period.start, report.opened ?? period.start);
    const to = Math.min(period.asOf, closed === null ? period.asOf : closed - 1);
    if (from <= to) windows.push({ report, from, to });
  }
  return windows;
}

/** Pupils counted once a day: each report's enrollment over the days of the window it was in force. */
function studentDays(w: SchoolWindow, facts: Facts): bigint {
  const reports = facts.registry.get(w.report.school)!;
  let total = 0n;
  reports.forEach((r, i) => {
    const from = Math.max(i === 0 ? -Infinity : r.reported, w.from);
    const to = Math.min(i + 1 < reports.length ? reports[i + 1].reported - 1 : Infinity, w.to);
    if (from <= to) total += BigInt(r.enrollment ?? 0) * BigInt(to - from + 1);
  });
  return total;
}

function indexBySchool(facts: Facts): Map<string, SchoolFacts> {
  const index = new Map<string, SchoolFacts>();
  const of = (school: string) => {
    let found = index.get(school);
    if (!found) index.set(school, (found = emptyFacts()));
    return found;
  };
  for (const x of facts.items) of(x.school).items.push(x);
  for (const x of facts.hazards) of(x.school).hazards.push(x);
  for (const x of facts.intervals) of(x.school).intervals.push(x);
  for (const x of facts.alerts) of(x.school).alerts.push(x);
  for (const x of facts.cases) of(x.school).cases.push(x);
  for (const x of facts.activities) if (x.school !== null) of(x.school).activities.push(x);
  return index;
}

const emptyFacts = (): SchoolFacts => ({ items: [], hazards: [], intervals: [], alerts: [], cases: [], activities: [] });

// ---------------------------------------------------------------------------------------------
// indicators and points

const allIndicators = (d: Definition) => d.domains.flatMap((dom) => dom.indicators.map((ind) => ({ ind, domain: dom.id, appliesTo: ind.applies_to ?? dom.applies_to })));

function scoreSchool(period: Period, w: SchoolWindow, f: SchoolFacts, ctx: Context): IndicatorRow[] {
  const flags = [...(w.report.nearWater ? ['near_water'] : []), ...((w.report.boarders ?? 0) > 0 ? ['boarding'] : [])];
  return allIndicators(ctx.definition).map(({ ind, appliesTo }) => {
    const applicable = appliesTo.includes(w.report.type) && (ind.requires_flags ?? []).every((flag) => flags.includes(flag));
    const m = applicable ? measure(ind, w, f, ctx) : null;
    return indicatorRow(period, w.report.unit, w.report.school, ind, m);
  });
}

function indicatorRow(period: Period, unitCode: string, schoolCode: string | null, ind: IndicatorDef, m: { value: Fraction | null; required: boolean } | null): IndicatorRow {
  const status: Status = m === null || !m.required ? 'not_applicable' : m.value === null ? ind.empty_denominator : 'ok';
  const maxPoints = status === 'not_applicable' ? null : scaledHalfUp(decimal(ind.points), 4);
  const points = status === 'not_applicable' ? null : status === 'no_data' ? 0n : pointsFor(ind, m!.value!);
  return { period: period.id, unitCode, schoolCode, indicatorId: ind.id, status, value: status === 'ok' ? m!.value : null, points, maxPoints };
}

/** DOMAIN §5's default scoring, exact, rounded once half up to 1/10,000 of a point. */
export function pointsFor(ind: IndicatorDef, value: Fraction): bigint {
  const points = decimal(ind.points);
  switch (ind.kind) {
    case 'yes_no':
      return cmp(value, frac(1)) >= 0 ? scaledHalfUp(points, 4) : 0n;
    case 'deduction': {
      if (ind.base !== undefined) {
        const base = decimal(ind.base);
        return scaledHalfUp(div(mul(points, max(frac(0), sub(base, value))), base), 4);
      }
      return scaledHalfUp(max(frac(0), sub(points, mul(value, decimal(ind.deduction_per_occurrence!)))), 4);
    }
    default: {
      const target = decimal(ind.target!);
      const floor = decimal(ind.floor!);
      return scaledHalfUp(mul(points, clamp01(div(sub(value, floor), sub(target, floor)))), 4);
    }
  }
}

/** I1–I3 for a unit: its letters and actions in the period, its schools' supervision. */
function superviseUnit(period: Period, unitCode: string, windows: SchoolWindow[], facts: Facts, ctx: Context): IndicatorRow[] {
  const actions = facts.activities.filter((a) => a.kind === '督导' && activityUnit(a, facts) === unitCode);
  return ctx.definition.supervision.indicators.map((ind) => {
    let m: { value: Fraction | null; required: boolean };
    if (ind.formula === 'assignment_letter_on_time_reply_rate') {
      const due = actions.filter((a) => a.action === '交办函' && a.deadline !== null && a.deadline >= period.start && a.deadline <= period.asOf);
      const onTime = due.filter((a) => a.replied !== null && a.replied <= a.deadline!).length;
      m = { value: due.length ? frac(onTime, due.length) : null, required: true };
    } else if (ind.formula === 'school_supervision_coverage') {
      const mine = windows.filter((w) => w.report.unit === unitCode);
      const kind = ind.params?.inspection_kind;
      const supervised = mine.filter((w) => {
        const since = yearBefore(w.to);
        return facts.items.some((i) => i.school === w.report.school && i.kind === kind && i.on > since && i.on <= w.to);
      });
      m = { value: mine.length ? frac(supervised.length, mine.length) : null, required: true };
    } else if (ind.formula === 'supervision_accountability_deductions') {
      let deducted = frac(0);
      for (const d of ind.deductions ?? []) {
        const n = actions.filter((a) => a.action === d.action && a.on >= period.start && a.on <= period.asOf).length;
        deducted = add(deducted, mul(frac(n), decimal(d.per_occurrence)));
      }
      m = { value: deducted, required: true };
    } else {
      throw new Error(`the oracle has no rule for formula ${ind.formula}`);
    }
    return indicatorRow(period, unitCode, null, ind, m);
  });
}

/** A school's action counts for the unit the school was in that day; a unit's own action names its unit. */
function activityUnit(a: { school: string | null; unit: string | null; on: Day }, facts: Facts): string | null {
  if (a.school === null) return a.unit;
  const reports = facts.registry.get(a.school);
  if (!reports) return a.unit;
  return ([...reports].reverse().find((r) => r.reported <= a.on) ?? reports[0]).unit;
}

// ---------------------------------------------------------------------------------------------
// school scorecards

function schoolCards(period: Period, windows: SchoolWindow[], rows: IndicatorRow[], facts: Facts, ctx: Context): SchoolCard[] {
  const definition = ctx.definition;
  const domainOf = new Map(allIndicators(definition).map(({ ind, domain }) => [ind.id, domain]));
  const separate = new Set(definition.unit_score.separate_units);
  const bySchool = new Map<string, IndicatorRow[]>();
  for (const r of rows) bySchool.set(r.schoolCode!, [...(bySchool.get(r.schoolCode!) ?? []), r]);
  const cards = windows.map((w): SchoolCard => {
    const mine = bySchool.get(w.report.school) ?? [];
    const applicableRows = mine.filter((r) => r.status !== 'not_applicable');
    const earned = applicableRows.reduce((s, r) => s + r.points!, 0n);
    const applicable = applicableRows.reduce((s, r) => s + r.maxPoints!, 0n);
    const domainPoints: Record<string, bigint | null> = {};
    for (const dom of definition.domains) {
      const inDomain = applicableRows.filter((r) => domainOf.get(r.indicatorId) === dom.id);
      domainPoints[dom.id] = inDomain.length ? inDomain.reduce((s, r) => s + r.points!, 0n) : null;
    }
    const score = applicable > 0n ? roundHalfUp(frac(TEN_THOUSAND * earned, applicable)) : 0n;
    const vetoes = vetoesOf(w, facts, definition);
    return {
      period: period.id,
      schoolCode: w.report.school,
      unitCode: w.report.unit,
      schoolType: w.report.type,
      enrollment: w.report.enrollment,
      studentDays: studentDays(w, facts),
      closedOn: closedBy(facts.registry.get(w.report.school)!.at(-1)!.closed, period.asOf),
      domainPoints,
      earned,
      applicable,
      score,
      grade: gradeOf(score, vetoes.map((v) => v.cap), definition),
      vetoReason: vetoes.length ? vetoes.map((v) => v.reason).join('；') : null,
      rank: 0,
      nRanked: 0,
      previousRank: null,
    };
  });
  // ties share a rank (1, 2, 2, 4), within school type; 市直 schools as their own group
  const groups = new Map<string, SchoolCard[]>();
  for (const c of cards) {
    const key = `${c.schoolType}|${separate.has(c.unitCode)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) competitionRank(group, (c) => c.score, (c, rank) => Object.assign(c, { rank, nRanked: group.length }));
  return cards;
}

/** A closing is part of a period when it came by the period's as-of day. */
const closedBy = (closed: Day | null, asOf: Day): Day | null => (closed !== null && closed <= asOf ? closed : null);

/** V1 a death, V2 a serious case reported late, among the cases of the school's window. */
function vetoesOf(w: SchoolWindow, facts: Facts, definition: Definition): { cap: string; reason: string }[] {
  const weights = new Map(definition.severity_weights.map((s) => [s.level, decimal(s.weight)]));
  const cases = facts.cases.filter((c) => c.school === w.report.school && c.occurred >= w.from * 86_400 && c.occurred < (w.to + 1) * 86_400);
  return definition.vetoes
    .map((v) => {
      const hits = cases.filter((c) => {
        if (v.rule === 'death_in_school_incident') return c.deaths >= Number(v.params.min_deaths);
        const serious = cmp(weights.get(c.severity)!, weights.get(String(v.params.min_severity))!) >= 0;
        return serious && c.reported - c.occurred > Number(v.params.max_report_delay_hours) * 3600;
      });
      const ids = hits.map((c) => c.id).sort().join('、');
      return hits.length ? { cap: v.effect.school_grade_cap, reason: `${v.id} ${v.name.zh}（${ids}）` } : null;
    })
    .filter((v): v is { cap: string; reason: string } => v !== null);
}

/** The highest band the score reaches; a veto caps it (bands are listed best first). */
function gradeOf(score: bigint, caps: string[], definition: Definition): string {
  const bands = definition.grade_bands;
  let index = bands.findIndex((b) => cmp(frac(score, 100), decimal(b.min_score)) >= 0);
  for (const cap of caps) index = Math.max(index, bands.findIndex((b) => b.grade === cap));
  return bands[index].grade;
}

/** Competition ranking on a score, best first: ties share the rank of the first of them (1, 2, 2, 4). */
function competitionRank<T>(items: T[], key: (t: T) => bigint, set: (t: T, rank: number) => void): void {
  const sorted = items.slice().sort((a, b) => (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : 0));
  let rank = 0;
  sorted.forEach((item, i) => {
    if (i === 0 || key(sorted[i - 1]) !== key(item)) rank = i + 1;
    set(item, rank);
  });
}

// ---------------------------------------------------------------------------------------------
// unit scorecards

function unitCards(period: Period, schools: SchoolCard[], unitRows: IndicatorRow[], definition: Definition): UnitCard[] {
  const separate = new Set(definition.unit_score.separate_units);
  const units = loadUnits();
  const cards: UnitCard[] = [];
  for (const unit of units) {
    const mine = schools.filter((s) => s.unitCode === unit.code);
    if (!mine.length) continue;
    const totalDays = mine.reduce((s, c) => s + c.studentDays, 0n);
    const mean =
      definition.unit_score.school_aggregation === 'mean' || totalDays === 0n
        ? frac(mine.reduce((s, c) => s + c.score, 0n), mine.length)
        : frac(mine.reduce((s, c) => s + c.score * c.studentDays, 0n), totalDays);
    const supervisionRows = unitRows.filter((r) => r.unitCode === unit.code && r.status !== 'not_applicable');
    const supEarned = supervisionRows.reduce((s, r) => s + r.points!, 0n);
    const supApplicable = supervisionRows.reduce((s, r) => s + r.maxPoints!, 0n);
    const supervision = supApplicable > 0n ? frac(TEN_THOUSAND * supEarned, supApplicable) : null;
    const score =
      supervision === null
        ? roundHalfUp(mean)
        : roundHalfUp(add(mul(decimal(definition.unit_score.school_weight), mean), mul(decimal(definition.unit_score.supervision_weight), supervision)));
    const nVetoed = mine.filter((s) => s.vetoReason !== null).length;
    const open = mine.filter((s) => s.closedOn === null || s.closedOn > period.asOf);
    const enrollments = open.map((s) => s.enrollment).filter((e): e is number => e !== null);
    cards.push({
      period: period.id,
      unitCode: unit.code,
      nSchools: mine.length,
      nVetoed,
      enrollment: enrollments.length ? enrollments.reduce((a, b) => a + b, 0) : null,
      schoolMean: roundHalfUp(mean),
      supervisionScore: supervision === null ? null : roundHalfUp(supervision),
      score,
      grade: unitGrade(score, nVetoed > 0, definition),
      rank: null,
      previousRank: null,
    });
  }
  const ranked = cards.filter((c) => units.find((u) => u.code === c.unitCode)!.isRanked && !separate.has(c.unitCode));
  competitionRank(ranked, (c) => c.score, (c, rank) => (c.rank = rank));
  return cards;
}

/** A unit with a vetoed school cannot get a barred grade: it takes the next band down. */
function unitGrade(score: bigint, vetoed: boolean, definition: Definition): string {
  const bands = definition.grade_bands;
  const index = bands.findIndex((b) => cmp(frac(score, 100), decimal(b.min_score)) >= 0);
  const barred = vetoed && definition.vetoes.some((v) => v.effect.unit_grade_barred === bands[index].grade);
  return bands[barred ? Math.min(index + 1, bands.length - 1) : index].grade;
}

function previousRanks(result: OracleResult): void {
  const previousOf = new Map(result.periods.map((p) => [p.id, p.previousId]));
  const schoolRank = new Map(result.schools.map((s) => [`${s.period}|${s.schoolCode}|${s.schoolType}`, s.rank]));
  for (const s of result.schools) s.previousRank = schoolRank.get(`${previousOf.get(s.period)}|${s.schoolCode}|${s.schoolType}`) ?? null;
  const unitRank = new Map(result.units.map((u) => [`${u.period}|${u.unitCode}`, u.rank]));
  for (const u of result.units) u.previousRank = unitRank.get(`${previousOf.get(u.period)}|${u.unitCode}`) ?? null;
}

// ---------------------------------------------------------------------------------------------
// short boards

/** Up to three indicators furthest below the city median attainment, for each school and each unit. */
function shortBoards(period: Period, rows: IndicatorRow[], definition: Definition): Board[] {
  const order = new Map(allIndicators(definition).map(({ ind }, i) => [ind.id, i]));
  const scored = rows.filter((r) => r.status !== 'not_applicable');
  const schoolLevel = scored.map((r) => ({ unitCode: r.unitCode, schoolCode: r.schoolCode, indicatorId: r.indicatorId, attainment: frac(r.points!, r.maxPoints!) }));
  const pooled = new Map<string, { unitCode: string; indicatorId: string; points: bigint; maxPoints: bigint }>();
  for (const r of scored) {
    const key = `${r.unitCode}|${r.indicatorId}`;
    const entry = pooled.get(key) ?? { unitCode: r.unitCode, indicatorId: r.indicatorId, points: 0n, maxPoints: 0n };
    entry.points += r.points!;
    entry.maxPoints += r.maxPoints!;
    pooled.set(key, entry);
  }
  const unitLevel = [...pooled.values()].map((u) => ({ unitCode: u.unitCode, schoolCode: null, indicatorId: u.indicatorId, attainment: frac(u.points, u.maxPoints) }));
  const boards: Board[] = [];
  for (const level of [schoolLevel, unitLevel]) {
    const medians = new Map<string, Fraction>();
    for (const id of new Set(level.map((x) => x.indicatorId))) medians.set(id, median(level.filter((x) => x.indicatorId === id).map((x) => x.attainment)));
    const byEntity = new Map<string, typeof level>();
    for (const x of level) byEntity.set(`${x.unitCode}|${x.schoolCode}`, [...(byEntity.get(`${x.unitCode}|${x.schoolCode}`) ?? []), x]);
    for (const entries of byEntity.values()) {
      // ranked by the gap as published (4 decimals), ties by indicator order; a gap that vanishes at 4 decimals is none
      const gaps = entries
        .map((x) => {
          const gap = sub(medians.get(x.indicatorId)!, x.attainment);
          return { x, gap: gap.n > 0n ? scaledHalfUp(gap, 4) : 0n };
        })
        .filter(({ gap }) => gap > 0n)
        .sort((a, b) => (b.gap > a.gap ? 1 : b.gap < a.gap ? -1 : order.get(a.x.indicatorId)! - order.get(b.x.indicatorId)!));
      gaps.slice(0, 3).forEach(({ x, gap }, i) =>
        boards.push({
          period: period.id,
          unitCode: x.unitCode,
          schoolCode: x.schoolCode,
          boardRank: i + 1,
          indicatorId: x.indicatorId,
          attainment: scaledHalfUp(x.attainment, 4),
          cityMedian: scaledHalfUp(medians.get(x.indicatorId)!, 4),
          gap,
        }),
      );
    }
  }
  return boards;
}

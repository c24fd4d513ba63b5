/**
 * Days (since 1970-01-01) and seconds (since 1970-01-01 00:00), Shanghai wall time, as the
 * generator's rows carry them; the periods of docs/scoring.md.
 */
export type Day = number;

const MS = 86_400_000;
export const SECONDS_PER_DAY = 86_400;

export const dayOf = (y: number, m: number, d: number): Day => Date.UTC(y, m - 1, d) / MS;

export function ymd(day: Day): { y: number; m: number; d: number } {
  const date = new Date(day * MS);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

export const lastDayOfMonth = (y: number, m: number): Day => dayOf(y, m + 1, 1) - 1;
export const monthStart = (day: Day): Day => dayOf(ymd(day).y, ymd(day).m, 1);
export const quarterStart = (day: Day): Day => dayOf(ymd(day).y, 3 * Math.floor((ymd(day).m - 1) / 3) + 1, 1);
/** The Monday of the day's week (ISO weeks, Monday to Sunday). */
export const weekStart = (day: Day): Day => day - ((new Date(day * MS).getUTCDay() + 6) % 7);
export const dayOfSeconds = (seconds: number): Day => Math.floor(seconds / SECONDS_PER_DAY);

/** The same day a year earlier (29 February becomes 28 February). */
export function yearBefore(day: Day): Day {
  const { y, m, d } = ymd(day);
  return dayOf(y - 1, m, Math.min(d, ymd(lastDayOfMonth(y - 1, m)).d));
}

export const iso = (day: Day): string => new Date(day * MS).toISOString().slice(0, 10);

export interface Term {
  start: Day;
  end: Day;
}

/** Spring term February–July of year y, autumn term September of y to January of y + 1. */
export const termsAround = (years: number[]): Term[] =>
  [...new Set(years.flatMap((y) => [y - 1, y]))].flatMap((y) => [
    { start: dayOf(y, 2, 1), end: dayOf(y, 7, 31) },
    { start: dayOf(y, 9, 1), end: dayOf(y + 1, 1, 31) },
  ]);

export interface Period {
  id: string;
  kind: 'year' | 'quarter' | 'month' | 'term';
  start: Day;
  end: Day;
  asOf: Day;
  previousId: string | null;
}

/** Every year, quarter, month and term of the years with data that began by the day the data runs to. */
export function periodsOf(years: number[], dataUntil: Day): Period[] {
  const drafts: Omit<Period, 'asOf' | 'previousId'>[] = [];
  for (const y of years) {
    drafts.push({ id: String(y), kind: 'year', start: dayOf(y, 1, 1), end: dayOf(y, 12, 31) });
    for (let q = 1; q <= 4; q++) drafts.push({ id: `${y}-Q${q}`, kind: 'quarter', start: dayOf(y, 3 * q - 2, 1), end: lastDayOfMonth(y, 3 * q) });
    for (let m = 1; m <= 12; m++) drafts.push({ id: `${y}-${String(m).padStart(2, '0')}`, kind: 'month', start: dayOf(y, m, 1), end: lastDayOfMonth(y, m) });
    drafts.push({ id: `${y}-T1`, kind: 'term', start: dayOf(y, 2, 1), end: dayOf(y, 7, 31) });
    drafts.push({ id: `${y}-T2`, kind: 'term', start: dayOf(y, 9, 1), end: dayOf(y + 1, 1, 31) });
  }
  const listed = drafts.filter((p) => p.start <= dataUntil).sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  const lastOfKind = new Map<string, string>();
  return listed.map((p) => {
    const period: Period = { ...p, asOf: Math.min(p.end, dataUntil), previousId: lastOfKind.get(p.kind) ?? null };
    lastOfKind.set(p.kind, p.id);
    return period;
  });
}

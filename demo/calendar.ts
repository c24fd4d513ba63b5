/**
 * Calendar arithmetic on plain numbers, so nothing depends on the machine's time zone:
 * a Day counts days since 1970-01-01 and a Moment counts seconds since 1970-01-01 00:00,
 * both in Asia/Shanghai wall time (the zone every export uses).
 */

export type Day = number;
export type Moment = number;

const MS_PER_DAY = 86_400_000;
export const SECONDS_PER_DAY = 86_400;

export function dayOf(year: number, month: number, date: number): Day {
  return Math.floor(Date.UTC(year, month - 1, date) / MS_PER_DAY);
}

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** Civil date of a day number (H. Hinnant's days-to-civil), without allocating a Date. */
export function ymd(day: Day): Ymd {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

export const isWeekend = (day: Day) => weekday(day) === 0 || weekday(day) === 6;

export function momentOf(day: Day, hour = 0, minute = 0, second = 0): Moment {
  return day * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
}

export const dayOfMoment = (moment: Moment): Day => Math.floor(moment / SECONDS_PER_DAY);

/** The moment as a UTC Date carrying the wall-clock time (how exceljs writes cells). */
export const wallDate = (moment: Moment) => new Date(moment * 1000);

export type Term = 'spring' | 'autumn';

/**
 * Terms as the bureau counts them: spring term Feb–Jul (classes from 17 Feb to 10 Jul),
 * autumn term Sep–Jan (1 Sep to 17 Jan); winter and summer breaks in between.
 */
export function termOn(day: Day): Term | null {
  const { m, d } = ymd(day);
  if ((m === 2 && d >= 17) || (m >= 3 && m <= 6) || (m === 7 && d <= 10)) return 'spring';
  if (m >= 9 || (m === 1 && d <= 17)) return 'autumn';
  return null;
}

/** Months in which a school is in session for at least part of the month. */
export const TERM_MONTHS = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12];

const monthCache = new Map<number, { all: Day[]; weekdays: Day[]; school: Day[] }>();

/** A month's days, its weekdays and its school days (term and weekday); shared, do not modify. */
function month(year: number, month: number) {
  const key = year * 100 + month;
  let found = monthCache.get(key);
  if (!found) {
    const first = dayOf(year, month, 1);
    const all = Array.from({ length: daysInMonth(year, month) }, (_, i) => first + i);
    const weekdays = all.filter((d) => !isWeekend(d));
    found = { all, weekdays, school: weekdays.filter((d) => termOn(d) !== null) };
    monthCache.set(key, found);
  }
  return found;
}

export const monthDays = (year: number, m: number): readonly Day[] => month(year, m).all;
export const weekdaysOf = (year: number, m: number): readonly Day[] => month(year, m).weekdays;
export const schoolDays = (year: number, m: number): readonly Day[] => month(year, m).school;

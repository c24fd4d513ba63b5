/**
 * Calendar arithmetic in Asia/Shanghai for workflow code (dependency-free, so the deterministic
 * workflow bundle can import it). Shanghai has kept UTC+8 without daylight saving since 1991, so a
 * fixed offset is exact for every date this project handles.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' of the Shanghai calendar day that contains the instant `ms`. */
export function shanghaiDate(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Is `text` a real calendar date written YYYY-MM-DD? */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** The instant 00:00 Shanghai time on the day after `date` (YYYY-MM-DD): when that day is over. */
export function endOfShanghaiDay(date: string): number {
  const match = ISO_DATE.exec(date);
  if (!match) throw new Error(`not a YYYY-MM-DD date: "${date}"`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1) - SHANGHAI_OFFSET_MS;
}

/** The month that ended before the Shanghai day of `ms`, as a period id: 2026-01-01 → '2025-12'. */
export function monthJustEnded(ms: number): string {
  const [year, month] = shanghaiDate(ms).split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** The calendar year before the Shanghai day of `ms`: 2026-01-15 → 2025. */
export function yearJustEnded(ms: number): number {
  return Number(shanghaiDate(ms).slice(0, 4)) - 1;
}

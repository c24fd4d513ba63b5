/**
 * How values are spelled in the exports: the date styles of DOMAIN §4, Excel date cells,
 * and enum values as labels or vendor codes.
 */
import { wallDate, ymd, type Day, type Moment } from './calendar.ts';

/** A canonical value: Day numbers for dates, Moment numbers for datetimes (the contract says which). */
export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;
/** What a writer puts in a cell: text, a number, or (XLSX only) a date. */
export type Cell = string | number | Date | null;

export type DateStyle = 'iso' | 'slash' | 'dot' | 'zh';
export const DATE_STYLES: DateStyle[] = ['iso', 'slash', 'dot', 'zh'];
export type DateTimeStyle = 'seconds' | 'iso-offset' | 'zh-minute';

const pad = (n: number) => String(n).padStart(2, '0');

const dateTexts = new Map<string, string>();

/** Dates repeat a lot (a few hundred days per year), so their texts are kept. */
export function dateText(day: Day, style: DateStyle): string {
  const key = `${style}${day}`;
  let text = dateTexts.get(key);
  if (text === undefined) {
    text = spellDate(day, style);
    dateTexts.set(key, text);
  }
  return text;
}

function spellDate(day: Day, style: DateStyle): string {
  const { y, m, d } = ymd(day);
  switch (style) {
    case 'iso':
      return `${y}-${pad(m)}-${pad(d)}`;
    case 'slash':
      return `${y}/${m}/${d}`;
    case 'dot':
      return `${y}.${m}.${d}`;
    case 'zh':
      return `${y}年${m}月${d}日`;
  }
}

export function dateTimeText(moment: Moment, style: DateTimeStyle): string {
  const day = Math.floor(moment / 86_400);
  const { y, m, d } = ymd(day);
  const seconds = moment - day * 86_400;
  const [hh, mm, ss] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  switch (style) {
    case 'seconds':
      return `${y}-${pad(m)}-${pad(d)} ${pad(hh)}:${pad(mm)}:${pad(ss)}`;
    case 'iso-offset':
      return `${y}-${pad(m)}-${pad(d)}T${pad(hh)}:${pad(mm)}:${pad(ss)}+08:00`;
    case 'zh-minute':
      return `${y}年${pad(m)}月${pad(d)}日 ${pad(hh)}:${pad(mm)}`;
  }
}

/** Cell formatters for a file layout. */
export const asText = (value: Value): Cell => (value === null ? null : String(value));
export const asNumber = (value: Value): Cell => (value === null ? null : Number(value));
export const asDate = (style: DateStyle) => (value: Value): Cell => (value === null ? null : dateText(value as number, style));
export const asExcelDate = (value: Value): Cell => (value === null ? null : wallDate((value as number) * 86_400));
/** Excel's day number (1970-01-01 is 25569), as exports that lost the cell format carry dates. */
export const EXCEL_EPOCH_OFFSET = 25_569;
export const asExcelSerial = (value: Value): Cell => (value === null ? null : (value as number) + EXCEL_EPOCH_OFFSET);
export const asDateTime = (style: DateTimeStyle) => (value: Value): Cell => (value === null ? null : dateTimeText(value as number, style));
export const asYesNo = (value: Value): Cell => (value === null ? null : value ? '是' : '否');
/** An enum label through a vendor's code table (labels without a code pass through). */
export const asCode = (codes: Record<string, string>) => (value: Value): Cell => (value === null ? null : (codes[String(value)] ?? String(value)));

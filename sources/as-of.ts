/**
 * A registry's report date (填报日期, its as-of date) when its rows do not carry one: a
 * county office's 学校名录 often says it once — in a title row above the header, or in the
 * file's name — or the operator says it with `ingest --as-of`. In that order, after the
 * column itself; never today's date. What a date-less text means:
 *
 *   截至2025年1月5日, 2025-01-05, 20250105 (file names)  that day
 *   统计时间：2025年1月, 学校名录_2025-01                 the first day of the month: the registry
 *                                                         as it stood when the month began (a last
 *                                                         day would be in the future for a file sent
 *                                                         during the month)
 *   2025年春季学期 / 秋季学期                              1 March / 1 September of that year: the
 *   2024-2025学年第二学期 / 第一学期 (上/下学期)           days the registry's term reports fall on
 *                                                         (the demo city reports on them too)
 *
 * A text with several picks the most precise (a day over a month over a term), then the first.
 * A date written after 打印/导出/制表/生成/下载 (when the file was made) is not a report date.
 */
export type AsOfSource = 'column' | 'title_row' | 'file_name' | 'option';

export interface AsOf {
  source: AsOfSource;
  /** 'YYYY-MM-DD'; null when every row carries its own (`column`). */
  date: string | null;
  /** What it was read from: the header, the title row's text, the file name, the option as given. */
  text: string;
}

interface Found {
  /** null for a date-shaped text that is no date (2025年2月30日): nothing inside it is read either. */
  date: string | null;
  precision: number;
  at: number;
  end: number;
}

const MADE_AT = /(打印|导出|制表|生成|下载)[^\d]{0,6}$/;

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || y > 2999 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const PATTERNS: [RegExp, number, (m: RegExpExecArray) => string | null][] = [
  [/(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})(?!\d)\s*日?/g, 3, (m) => validDate(+m[1], +m[2], +m[3])],
  [/(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/g, 3, (m) => validDate(+m[1], +m[2], +m[3])],
  [/(\d{4})\s*年\s*(\d{1,2})\s*月/g, 2, (m) => validDate(+m[1], +m[2], 1)],
  [/(?<!\d)(\d{4})[-/.](\d{1,2})(?![-/.\d])/g, 2, (m) => validDate(+m[1], +m[2], 1)],
  [/(\d{4})\s*[-—–~至]\s*(\d{4})\s*学年\s*(?:度)?\s*(第一|第二|第1|第2|上|下)\s*学期/g, 1, (m) => (/一|1|上/.test(m[3]) ? validDate(+m[1], 9, 1) : validDate(+m[2], 3, 1))],
  [/(\d{4})\s*年?\s*(春季|春|秋季|秋)\s*学期/g, 1, (m) => validDate(+m[1], m[2].startsWith('春') ? 3 : 9, 1)],
];

/** The report date a text states, or null. */
export function dateInText(text: string): string | null {
  const found: Found[] = [];
  for (const [pattern, precision, toDate] of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const at = m.index;
      const end = at + m[0].length;
      if (found.some((f) => at < f.end && end > f.at)) continue; // inside a more precise one
      found.push({ date: MADE_AT.test(text.slice(0, at)) ? null : toDate(m as RegExpExecArray), precision, at, end });
    }
  }
  const dates = found.filter((f) => f.date !== null).sort((a, b) => b.precision - a.precision || a.at - b.at);
  return dates[0]?.date ?? null;
}

/** The first title row that states a report date, then the file name, then the option. */
export function reportDate(titleRows: string[][], fileName: string, option?: string): AsOf | null {
  for (const row of titleRows) {
    const text = row.map((c) => c.trim()).filter(Boolean).join(' ');
    const date = dateInText(text);
    if (date) return { source: 'title_row', date, text };
  }
  const name = fileName.replace(/\.[^.]+$/, '');
  const fromName = dateInText(name);
  if (fromName) return { source: 'file_name', date: fromName, text: fileName };
  if (option) return { source: 'option', date: option, text: `--as-of ${option}` };
  return null;
}

export class ReportDateError extends Error {
  constructor(
    message: string,
    /** The source the file was recognised as (a registry). */
    readonly source: string,
  ) {
    super(message);
  }
}

/** Why a registry without a report date cannot land, naming the four ways to give one. */
export function noReportDateMessage(header: string): string {
  return (
    `没有填报日期：文件中没有“${header}”列，标题行和文件名中也没有日期。请任选其一：加上“${header}”列；` +
    '在表头上方加一行，如“统计时间：2025年1月”或“截至2025年1月5日”；在文件名中写明日期，如“学校名录_2025-01.xlsx”或“2025年春季学期学校名录.csv”；' +
    '或入库时指定 --as-of 2025-01-05' +
    `（no report date: the file has no ${header} column, no title row with a date such as 统计时间：2025年1月 or 截至2025年1月5日, ` +
    'and no date in its name such as 学校名录_2025-01.xlsx or 2025年春季学期; add one of these, or pass --as-of YYYY-MM-DD）'
  );
}

/**
 * `safecampus report` on the scoring city (test/scoring/city.ts) from its latest published
 * snapshot: a school's indicators with their status and the rows behind the unmet ones, small
 * death counts shown as "<3" (the 事故案件 page's protected school row), a unit report with its weakest schools and no other unit's
 * schools, one report per school with --all-schools, PDFs set in the bundled font whose text copies
 * out as the report's Chinese, and the usage errors and a missing browser.
 *
 * @module-tag browser
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusOf } from '../../reports/assessment/data.ts';
import { openPrinter } from '../../reports/pdf.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { runCli, tempDir } from '../helpers.ts';
import { J1, K1, landScoringCity, P1, P2, P3, P4, S1 } from '../scoring/city.ts';
import { readPdf } from './pdf-content.ts';

let warehouse: string;
let out: string;
/** The CLI on the scoring city's warehouse, named as an operator's environment names it. */
const cli = (args: string[]) => runCli(args, { ...process.env, SAFECAMPUS_DB: warehouse });

beforeAll(async () => {
  const db = await landScoringCity();
  try {
    await publishSnapshot(db);
    warehouse = db.path;
  } finally {
    db.close();
  }
  out = tempDir();
}, 120_000);

const read = (code: string) => readFileSync(join(out, `report-${code}-2025.html`), 'utf8');
/** The row of the indicator table for this indicator, cells with tags stripped. */
function indicatorRow(html: string, label: string): string[] {
  const row = new RegExp(`<tr><td[^>]*>${label}</td>(.*?)</tr>`).exec(html)![1];
  return [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
}

describe('status of an indicator', () => {
  it('is 达标 at full points, 未达标 below, 无数据 and 不适用 as the mart says', () => {
    expect([statusOf('ok', 5, 5), statusOf('ok', 4.9999, 5), statusOf('no_data', 0, 5), statusOf('not_applicable', null, null)]).toEqual(['达标', '未达标', '无数据', '不适用']);
  });
});

describe('safecampus report on the scoring city', () => {
  it('writes a school report: standing, every indicator with its status, the overdue hazards behind A4, a checklist', async () => {
    const result = await cli(['report', '--school', P1, '--period', '2025', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`评估报告 ${P1}：${join(out, `report-${P1}-2025.html`)}`);
    const html = read(P1);
    expect(html).toContain('<h1>魏都区第一小学2025年校园安全评估报告</h1>');
    expect(html).toContain('得分 <b>56.25</b> 分，等级 <b>不合格</b>，全市小学第 4 名（共 4 个），较上期 ↓1（上期第 3 名）。');
    expect(indicatorRow(html, 'A4 重大隐患超期')).toEqual(['1 项', '—', '1 / —', '3.00', '6', '未达标']);
    expect(indicatorRow(html, 'A1 检查完成率')).toEqual(['72.7%', '100.0%', '8 / 11', '2.27', '5', '未达标']);
    expect(indicatorRow(html, 'B1 保安配备达标')).toEqual(['是', '是', '2 / 2', '5.00', '5', '达标']); // 2 guards for 800 students
    expect(html).toContain(
      '<tr><td>魏都区第一小学</td><td>XF05 电气线路无私拉乱接</td><td>配电室私拉电线</td><td class="nw">重大</td><td>2024-12-10</td><td>2024-12-31</td><td class="nw">334</td></tr>',
    );
    expect(html).toContain('<tr><td>魏都区第一小学</td><td>2025年04月</td></tr><tr><td>魏都区第一小学</td><td>2025年07月</td></tr><tr><td>魏都区第一小学</td><td>2025年10月</td></tr>');
    expect(html).toContain('<th class="nw">整改事项</th><th class="nw">责任人</th><th class="nw">完成时限</th><th class="nw">完成情况</th>');
    const pdf = readFileSync(join(out, `report-${P1}-2025.pdf`)).toString('latin1');
    expect(pdf).toMatch(/\/MediaBox\s*\[\s*0 0 595\.\d+ 842\.\d+\s*\]/);
    expect(pdf.match(/\/Type\s*\/Page\b/g)!.length).toBeGreaterThan(1);
    // set in the bundled font only, embedded, whatever fonts this machine has; copying the text gives the Chinese
    const content = await readPdf(join(out, `report-${P1}-2025.pdf`));
    expect(content.fonts.filter((name) => !/^[A-Z]{6}\+NotoSansSCThin-(Regular|Bold)$/.test(name))).toEqual([]);
    expect(content.notEmbedded).toEqual([]);
    expect(content.pages[0]).toContain('魏都区第一小学2025年校园安全评估报告');
    expect(content.pages[0]).toContain('得分 56.25 分，等级 不合格，全市小学第 4 名（共 4 个），较上期 ↓1（上期第 3 名）。');
    expect(content.pages.join('')).toContain('魏都区第一小学 XF05 电气线路无私拉乱接 配电室私拉电线 重大 2024-12-10 2024-12-31 334');
    content.pages.forEach((text, i) => expect(text.startsWith(`第 ${i + 1} 页 / 共 ${content.pages.length} 页`), text.slice(0, 20)).toBe(true));
  }, 120_000);

  it('prints the same PDF bytes whether the browser sees this machine’s fonts or none at all', async () => {
    const html = join(out, `report-${P1}-2025.html`);
    for (const [name, fonts] of [['system', {}], ['none', { systemFonts: false }]] as const) {
      const printer = await openPrinter(fonts);
      try {
        await printer.print(html, join(out, `fonts-${name}.pdf`), '2025-11-30'); // the scoring city's as-of day
      } finally {
        await printer.close();
      }
    }
    expect(readFileSync(join(out, 'fonts-none.pdf')).equals(readFileSync(join(out, 'fonts-system.pdf')))).toBe(true);
    expect(readFileSync(join(out, 'fonts-system.pdf')).equals(readFileSync(join(out, `report-${P1}-2025.pdf`)))).toBe(true);
  }, 120_000);

  it('shows a school’s small death count as "<3", as the 事故案件 page does', async () => {
    expect((await cli(['report', '--school', P3, '--period', '2025', '--out', out])).code).toBe(0);
    const html = read(P3);
    // the city's only death: its county's and its category's deaths are withheld on the page, and the school's row is the page's
    expect(html).toContain('<tr><td>鄢陵县实验小学</td><td class="nw">1</td><td class="nw">0</td><td class="nw">0</td><td class="nw">0</td><td class="nw">&lt;3</td></tr>');
    expect(html).toContain('“—”为不公开的数字');
    expect(html).toContain('一票否决：V1 发生涉校安全事故致人死亡（C-P3-1）');
  }, 120_000);

  it('writes a unit report and one per school with --all-schools, holding no other unit’s schools', async () => {
    const result = await cli(['report', '--unit', '411003', '--period', '2025', '--all-schools', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('共 4 份');
    const unit = read('411003');
    const weakest = /得分最低的 3 所学校<\/h3>.*?<tbody>(.*?)<\/tbody>/s.exec(unit)![1];
    expect([...weakest.matchAll(/<tr><td>(\d{10})<\/td>/g)].map((m) => m[1])).toEqual([J1, K1, P2]);
    expect(unit).toContain('得分 <b>63.66</b> 分，等级 <b>合格</b>，全市县区第 2 名（共 3 个）');
    // K1 260 (after 2025-09-01) + P2 1,200 + J1 1,650, with the thousands separator
    expect(unit).toContain('所辖学校 3 所，在校生 3,110 人');
    // B1 (test/scoring/inspections-devices.test.ts): K1 2 of 2 guards and P2 3 of 3 meet it, J1 5 of 6 does not —
    // 2 of the 3 schools, not the 10 of 11 guards their sums would give
    expect(indicatorRow(unit, 'B1 保安配备达标').slice(0, 3)).toEqual(['66.7% 的学校达到', '全部学校达到', '2 / 3']);
    for (const code of ['411003', J1, K1, P2]) {
      const html = read(code);
      for (const other of [P1, P3, P4, S1]) expect(html.includes(other), `${other} in the report of ${code}`).toBe(false);
      for (const name of ['魏都区第一小学', '鄢陵县实验小学', '鄢陵县城关小学', '许昌市第一高级中学']) expect(html.includes(name), `${name} in ${code}`).toBe(false);
    }
  }, 180_000);

  it('fails (exit 1) saying how to get a browser when CHROMIUM_PATH names none, and never prints with another', async () => {
    const missing = join(out, 'no-such-chromium');
    const previous = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = missing;
    try {
      const result = await cli(['report', '--school', P4, '--period', '2025', '--out', join(out, 'no-browser')]);
      expect([result.code, result.stderr]).toEqual([
        1,
        expect.stringContaining(`cannot print PDF: CHROMIUM_PATH=${missing}: no such file; unset CHROMIUM_PATH to use the bundled Chromium (@sparticuz/chromium)`),
      ]);
      expect(existsSync(join(out, 'no-browser', `report-${P4}-2025.pdf`))).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = previous;
    }
  });

  it('says what is wrong with the call (exit 2) or the subject (exit 1)', async () => {
    const noPeriod = await cli(['report', '--unit', '411003']);
    expect([noPeriod.code, noPeriod.stderr]).toEqual([2, expect.stringContaining('give --period P')]);
    const both = await cli(['report', '--unit', '411003', '--school', P1, '--period', '2025']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('not both')]);
    const badSchool = await cli(['report', '--school', '21410001', '--period', '2025']);
    expect([badSchool.code, badSchool.stderr]).toEqual([2, expect.stringContaining('--school must be a 10-digit 学校标识码')]);
    const allSchools = await cli(['report', '--school', P1, '--period', '2025', '--all-schools']);
    expect(allSchools.code).toBe(2);
    const unknown = await cli(['report', '--school', '2141999999', '--period', '2025', '--out', out]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('school 2141999999 has no score in 2025')]);
    const period = await cli(['report', '--unit', '411003', '--period', '2019', '--out', out]);
    expect([period.code, period.stderr]).toEqual([1, expect.stringContaining('the snapshot has no period 2019; its years are 2024, 2025')]);
  });
});

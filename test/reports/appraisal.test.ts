/**
 * The annual appraisal of the scoring city (test/scoring/city.ts) for 2025 from a published
 * snapshot: the ranking rows and vetoes as marts.unit_scorecard has them (numbers worked out in
 * test/scoring/scorecards.test.ts), the hashes and sign-off on the cover, an A4 PDF of several
 * pages set in the bundled font whose text copies out as the report's Chinese, an XLSX that opens
 * with exceljs, the exact CSV, and identical bytes on a second run.
 *
 * @module-tag browser
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAppraisalReports, type AppraisalFiles } from '../../reports/appraisal/index.ts';
import { definitionHash } from '../../transforms/definitions/load.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { tempDir } from '../helpers.ts';
import { landScoringCity, P3, J1 } from '../scoring/city.ts';
import { readPdf } from './pdf-content.ts';

const SIGN_OFF = { approver: '王建国', comment: '同意按此结果通报', decided_at: '2026-01-20 10:00' };
let snapshot: string;
let first: AppraisalFiles;
let second: AppraisalFiles;
let out: string;

beforeAll(async () => {
  const db = await landScoringCity();
  try {
    snapshot = (await publishSnapshot(db)).path;
  } finally {
    db.close();
  }
  out = tempDir();
  first = await writeAppraisalReports({ snapshotPath: snapshot, year: 2025, outDir: join(out, 'a'), signOff: SIGN_OFF });
  second = await writeAppraisalReports({ snapshotPath: snapshot, year: 2025, outDir: join(out, 'b'), signOff: SIGN_OFF });
}, 180_000);

const text = (file: string) => readFileSync(file, 'utf8');
/** The cells of each row of the table with this class, tags stripped. */
function tableRows(html: string, className: string): string[][] {
  const body = new RegExp(`<table class="${className}">.*?<tbody>(.*?)</tbody>`, 's').exec(html)![1];
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1].replace(/<[^>]+>/g, '')));
}

describe('appraisal reports of the scoring city', () => {
  it('ranks the units as marts.unit_scorecard does, with grades, rank changes and vetoes; 市直 unranked last', () => {
    expect(tableRows(text(first.html), 'units')).toEqual([
      ['1', '411024', '鄢陵县', '90.89', '良好', '98.11', '50.00', '2', '↑1', '是（1所学校）', '2'],
      ['2', '411003', '建安区', '63.66', '合格', '68.10', '38.50', '3', '↑1', '是（1所学校）', '3'],
      ['3', '411002', '魏都区', '57.81', '不合格', '56.25', '66.67', '1', '↓2', '否', '1'],
      ['—', '411000', '市直', '86.79', '良好', '84.46', '100.00', '—', '—', '否', '1'],
    ]);
    const html = text(first.html);
    expect(html).toContain(`<td>${P3}</td><td>鄢陵县实验小学</td><td class="nw">鄢陵县</td><td>98.11</td><td class="nw">不合格</td><td>V1 发生涉校安全事故致人死亡（C-P3-1）</td>`);
    expect(html).toContain(`<td>${J1}</td><td>建安区第一初级中学</td><td class="nw">建安区</td><td>62.39</td><td class="nw">不合格</td><td>V2 瞒报、迟报较大及以上事故（C-J1-1）</td>`);
  });

  it('states the cut-off day, the definition and snapshot hashes and the sign-off on the cover', () => {
    const html = text(first.html);
    const snapshotSha = createHash('sha256').update(readFileSync(snapshot)).digest('hex');
    expect(first.snapshotSha256).toBe(snapshotSha);
    expect(first.definitionSha256).toBe(definitionHash(2025));
    expect(html).toContain('<dt>统计截止日</dt><dd>2025-11-30（年度未结束，按截止日已有数据评价）</dd>');
    expect(html).toContain(`<dt>指标体系文件 SHA-256</dt><dd>${definitionHash(2025)}</dd>`);
    expect(html).toContain(`<dt>数据快照 SHA-256</dt><dd>${snapshotSha}</dd>`);
    expect(html).toContain('<dt>审批</dt><dd>已签批：王建国，2026-01-20 10:00</dd>');
    expect(html).toContain('<dt>审批意见</dt><dd>同意按此结果通报</dd>');
  });

  it('compares the methods side by side and describes every indicator in the appendix', () => {
    const html = text(first.html);
    const methods = tableRows(html, 'methods');
    expect(methods.map((r) => [r[0], r[2], r[4], r[6], r[8]])).toEqual([
      ['鄢陵县（411024）', '1', '1', '1', '1'],
      ['建安区（411003）', '2', '2', '2', '2'],
      ['魏都区（411002）', '3', '3', '3', '3'],
    ]);
    expect(html).toContain('各方法下所有单位名次一致。');
    for (const id of ['A1', 'A2', 'A3', 'A4', 'A5', 'B1', 'B2', 'B3', 'B4', 'B5', 'C1', 'C2', 'C3', 'D1', 'D2', 'D3', 'E1', 'E2', 'E3', 'F1', 'F2', 'F3', 'G1', 'G2', 'H1', 'I1', 'I2', 'I3']) {
      expect(html, id).toMatch(new RegExp(`<tr><td[^>]*>${id}</td><td[^>]*>[^<]+</td><td[^>]*>\\d+</td>`));
    }
  });

  it('is titled and signed with the city of the reference data (ref.units.city_name, from units.csv), so another city needs no code change', async () => {
    expect(text(first.html)).toContain('<h1>许昌市2025年度校园安全考核报告</h1>\n<p>许昌市教育局</p>');
    const titled = async (cityName: string | null) => {
      const copy = join(out, `snapshot-${cityName ?? 'none'}.duckdb`);
      copyFileSync(snapshot, copy);
      const instance = await DuckDBInstance.create(copy);
      const connection = await instance.connect();
      await connection.run('update ref.units set city_name = $city', { city: cityName });
      connection.closeSync();
      instance.closeSync();
      const files = await writeAppraisalReports({ snapshotPath: copy, year: 2025, outDir: join(out, `city-${cityName ?? 'none'}`), signOff: SIGN_OFF });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(files.xlsx);
      const html = text(files.html);
      return {
        title: /<title>(.*?)<\/title>/.exec(html)![1],
        cover: /<h1>.*?<dl>/s.exec(html)![0],
        sheet: workbook.getWorksheet('单位排名')!.getCell('A1').value,
      };
    };
    expect(await titled('平顶山市')).toEqual({
      title: '平顶山市2025年度校园安全考核报告',
      cover: '<h1>平顶山市2025年度校园安全考核报告</h1>\n<p>平顶山市教育局</p>\n<dl>',
      sheet: '平顶山市2025年度校园安全考核报告 · 单位排名',
    });
    // reference data that names no city: the report says no city rather than a wrong one
    expect(await titled(null)).toEqual({
      title: '2025年度校园安全考核报告',
      cover: '<h1>2025年度校园安全考核报告</h1>\n\n<dl>',
      sheet: '2025年度校园安全考核报告 · 单位排名',
    });
  }, 60_000);

  it('prints an A4 PDF of several pages', () => {
    const pdf = readFileSync(first.pdf).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(boxes.length).toBeGreaterThan(1);
    for (const [w, h] of boxes) {
      expect(Math.floor(w)).toBe(595);
      expect(Math.floor(h)).toBe(842);
    }
    expect(pdf.match(/\/Type\s*\/Page\b/g)!.length).toBe(boxes.length);
  });

  it('embeds the bundled font and nothing else, and its text copies out as the Chinese of the report, page numbers included', async () => {
    const pdf = await readPdf(first.pdf);
    // every glyph is drawn from the npm package's Noto Sans SC slices, embedded: no system font, no substitute
    expect(pdf.fonts.length).toBeGreaterThan(1);
    expect(pdf.fonts.filter((name) => !/^[A-Z]{6}\+NotoSansSCThin-(Regular|Bold)$/.test(name))).toEqual([]);
    expect(pdf.notEmbedded).toEqual([]);
    expect(pdf.pages[0]).toContain('许昌市2025年度校园安全考核报告许昌市教育局考核年度 2025年统计截止日 2025-11-30（年度未结束，按截止日已有数据评价）');
    expect(pdf.pages[0]).toContain('审批 已签批：王建国，2026-01-20 10:00审批意见 同意按此结果通报');
    expect(pdf.pages[1]).toContain('一、县区考核排名');
    expect(pdf.pages[1]).toContain('1 411024 鄢陵县 90.89 良好 98.11 50.00 2 ↑1 是（1所学校） 2');
    expect(pdf.pages[1]).toContain('2141000301 鄢陵县实验小学 鄢陵县 98.11 不合格 V1 发生涉校安全事故致人死亡（C-P3-1）');
    pdf.pages.forEach((text, i) => expect(text.startsWith(`第 ${i + 1} 页 / 共 ${pdf.pages.length} 页`), text.slice(0, 20)).toBe(true));
  });

  it('puts the font slices the HTML declares, and only those, in fonts/ beside it', () => {
    const declared = [...text(first.html).matchAll(/url\("fonts\/([^"]+)"\)/g)].map((m) => m[1]).sort();
    expect(declared.length).toBeGreaterThan(2);
    expect(readdirSync(join(out, 'a', 'fonts')).sort()).toEqual(declared);
    expect(readdirSync(join(out, 'a')).sort()).toEqual(['fonts', 'ranking-schools.csv', 'ranking.csv', 'ranking.xlsx', 'report.html', 'report.pdf']);
  });

  it('writes ranking.csv with a BOM, exactly', () => {
    expect(readFileSync(first.csv, 'utf8')).toBe(
      '\uFEFF排名,单位代码,单位名称,综合得分,等级,学校得分（加权平均）,督导得分,上年排名,名次变化,一票否决学校数,学校数,在校生数,备注\r\n' +
        '1,411024,鄢陵县,90.89,良好,98.11,50.00,2,1,1,2,4000,有学校被一票否决，不得评为优秀\r\n' +
        '2,411003,建安区,63.66,合格,68.10,38.50,3,1,1,3,3110,有学校被一票否决，不得评为优秀\r\n' +
        '3,411002,魏都区,57.81,不合格,56.25,66.67,1,-2,0,1,800,\r\n' +
        ',411000,市直,86.79,良好,84.46,100.00,,,0,1,3000,单独成组，不参与县区排名\r\n',
    );
    const schools = readFileSync(first.schoolsCsv, 'utf8').split('\r\n');
    expect(schools[0].startsWith('\uFEFF学段,排名组,排名,组内学校数,学校标识码,学校名称,所属单位,得分,等级,上年排名,名次变化,A 隐患排查治理（25分）')).toBe(true);
    expect(schools.slice(1, -1).map((line) => line.split(',').slice(0, 9).join(','))).toEqual([
      '幼儿园,全市,1,1,1141000201,建安区阳光幼儿园,建安区,68.51,合格',
      '小学,全市,1,4,2141000301,鄢陵县实验小学,鄢陵县,98.11,不合格',
      '小学,全市,1,4,2141000302,鄢陵县城关小学,鄢陵县,98.11,优秀',
      '小学,全市,3,4,2141000202,建安区河畔小学,建安区,75.86,合格',
      '小学,全市,4,4,2141000101,魏都区第一小学,魏都区,56.25,不合格',
      '初中,全市,1,1,3141000203,建安区第一初级中学,建安区,62.39,不合格',
      '高中,市直,1,1,3441000401,许昌市第一高级中学,市直,84.46,良好',
    ]);
  });

  it('writes ranking.xlsx with both sheets, a title row and Chinese headers repeated on every printed page, a frozen header row, formats and text codes', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(first.xlsx);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['单位排名', '学校排名']);
    const units = workbook.getWorksheet('单位排名')!;
    expect(units.getCell('A1').value).toBe('许昌市2025年度校园安全考核报告 · 单位排名');
    expect(units.getCell('A1').isMerged).toBe(true);
    expect(units.pageSetup).toMatchObject({ printTitlesRow: '1:2', orientation: 'landscape', fitToWidth: 1, fitToHeight: 0 });
    expect(units.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect((units.getRow(2).values as unknown[]).slice(1, 6)).toEqual(['排名', '单位代码', '单位名称', '综合得分', '等级']);
    expect(units.rowCount).toBe(6);
    expect((units.getRow(3).values as unknown[]).slice(1, 6)).toEqual([1, '411024', '鄢陵县', 90.89, '良好']);
    expect(units.getCell('D3').numFmt).toBe('0.00');
    expect(units.getCell('A6').value).toBeNull();
    const schools = workbook.getWorksheet('学校排名')!;
    expect(schools.getCell('A1').value).toBe('许昌市2025年度校园安全考核报告 · 学校排名');
    expect(schools.pageSetup.printTitlesRow).toBe('1:2');
    expect(schools.rowCount).toBe(9);
    expect(schools.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(schools.getCell('E3').value).toBe('1141000201');
    expect(schools.getCell('E3').numFmt).toBe('@');
    expect(workbook.created.toISOString()).toBe('2025-11-30T00:00:00.000Z');
  });

  it('gives the same bytes in every file on a second run: the PDF is dated by the cut-off day, not the clock', () => {
    for (const key of ['html', 'pdf', 'csv', 'schoolsCsv', 'xlsx'] as const) expect(readFileSync(second[key]).equals(readFileSync(first[key])), key).toBe(true);
    const fonts = readdirSync(join(out, 'a', 'fonts'));
    expect(readdirSync(join(out, 'b', 'fonts'))).toEqual(fonts);
    for (const font of fonts) expect(readFileSync(join(out, 'b', 'fonts', font)).equals(readFileSync(join(out, 'a', 'fonts', font))), font).toBe(true);
    const pdf = readFileSync(first.pdf).toString('latin1');
    expect([...pdf.matchAll(/\/(CreationDate|ModDate) \((D:[^)]*)\)/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      "CreationDate D:20251130000000+08'00'",
      "ModDate D:20251130000000+08'00'",
    ]);
  });
});



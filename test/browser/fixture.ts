// A small, hand-made snapshot DuckDB file for the dashboard tests.
//
// Four ranked units with known A3 values (including a tie: ranks 1, 2, 2, 4),
// 市直 (not ranked), a previous period and another indicator that the overview
// page must ignore, and school-level rows whose sums equal the unit rows.
// The school registry (core.dim_schools), one staging table per source, and an audit
// trail with a held, a released and a failed batch, rejects and three data-test runs
// (FIXTURE_BATCHES …) feed the 数据质量 page and the unit-scope tests; HEALTH_SQL its 报送监测
// section, the 总览 banner and the 县区评分卡 pages' section. Row contents
// (rejects' raw rows and messages, test samples) carry RAW_MARKER so tests can check
// that no page ever shows them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadDefinition } from '../../transforms/definitions/load.ts';

export interface FixtureUnitRow {
  unit_code: string;
  unit_name: string;
  numerator: number;
  denominator: number;
  n_schools: number;
  rank: number | null;
}

export interface FixtureSchoolRow {
  school_code: string;
  school_name: string;
  unit_code: string;
  numerator: number | null;
  denominator: number | null;
  status: 'ok' | 'no_data' | 'not_applicable';
}

export const FIXTURE_PERIOD = '2025';

export const FIXTURE_UNITS: Array<[string, string, string, string, boolean, boolean]> = [
  ['411002', '魏都区', 'Weidu', 'district', true, true],
  ['411003', '建安区', "Jian'an", 'district', true, true],
  ['411024', '鄢陵县', 'Yanling', 'county', true, true],
  ['411025', '襄城县', 'Xiangcheng', 'county', true, true],
  ['411081', '禹州市', 'Yuzhou', 'county-level city', true, true],
  ['411082', '长葛市', 'Changge', 'county-level city', true, true],
  ['411071', '许昌经济技术开发区', 'Jingkai', 'functional zone', true, true],
  ['411072', '城乡一体化示范区', 'Shifanqu', 'functional zone', true, false],
  ['411073', '东城区', 'Dongcheng', 'functional zone', true, false],
  ['411000', '市直', 'Shizhi', 'city-direct', false, false],
];

/** The tile map's squares [code, column, row] (as data/reference/unit_tiles.csv): 市直 has none, so it is drawn below the grid. */
export const FIXTURE_TILES: Array<[string, number, number]> = [
  ['411082', 1, 0],
  ['411081', 0, 1], ['411003', 1, 1], ['411024', 2, 1],
  ['411072', 0, 2], ['411002', 1, 2], ['411073', 2, 2],
  ['411025', 0, 3], ['411071', 1, 3],
];

/**
 * The approved 2025 appraisal's official files, written where the approval writes them
 * (workflows/appraisal-steps.ts: report/ beside the approved frozen file, which the snapshot's
 * audit.appraisals.published_path names): placeholders the site must ship byte for byte.
 */
export const FIXTURE_APPRAISAL_FILES = { 'report.pdf': '%PDF-1.4\n% 2025年度考核报告（测试）\n%%EOF\n', 'ranking.xlsx': 'PK 2025年度考核排名表（测试）' };

/** A3 2025 per unit: 禹州 98%, 魏都 90%, 鄢陵 90% (tie), 经开区 70%, 市直 90% unranked. */
export const FIXTURE_RANKING: FixtureUnitRow[] = [
  { unit_code: '411081', unit_name: '禹州市', numerator: 49, denominator: 50, n_schools: 3, rank: 1 },
  { unit_code: '411002', unit_name: '魏都区', numerator: 45, denominator: 50, n_schools: 3, rank: 2 },
  { unit_code: '411024', unit_name: '鄢陵县', numerator: 36, denominator: 40, n_schools: 2, rank: 2 },
  { unit_code: '411071', unit_name: '许昌经济技术开发区', numerator: 21, denominator: 30, n_schools: 2, rank: 4 },
  { unit_code: '411000', unit_name: '市直', numerator: 18, denominator: 20, n_schools: 2, rank: null },
];

export const FIXTURE_SCHOOLS: FixtureSchoolRow[] = [
  { school_code: '2141081001', school_name: '禹州市第一小学', unit_code: '411081', numerator: 25, denominator: 25, status: 'ok' },
  { school_code: '3141081002', school_name: '禹州市第二初级中学', unit_code: '411081', numerator: 24, denominator: 25, status: 'ok' },
  { school_code: '1141081003', school_name: '禹州市实验幼儿园', unit_code: '411081', numerator: null, denominator: null, status: 'no_data' },
  { school_code: '2141002001', school_name: '魏都区实验小学', unit_code: '411002', numerator: 20, denominator: 20, status: 'ok' },
  { school_code: '2141002002', school_name: '魏都区育才小学', unit_code: '411002', numerator: 15, denominator: 20, status: 'ok' },
  { school_code: '3141002003', school_name: '魏都区第一初级中学', unit_code: '411002', numerator: 10, denominator: 10, status: 'ok' },
  { school_code: '2141024001', school_name: '鄢陵县城关小学', unit_code: '411024', numerator: 18, denominator: 20, status: 'ok' },
  { school_code: '3441024002', school_name: '鄢陵县第一高级中学', unit_code: '411024', numerator: 18, denominator: 20, status: 'ok' },
  { school_code: '2141071001', school_name: '经开区长村张小学', unit_code: '411071', numerator: 9, denominator: 15, status: 'ok' },
  { school_code: '2141071002', school_name: '经开区实验学校', unit_code: '411071', numerator: 12, denominator: 15, status: 'ok' },
  { school_code: '3441000001', school_name: '许昌高级中学', unit_code: '411000', numerator: 10, denominator: 10, status: 'ok' },
  { school_code: '3641000002', school_name: '许昌职业技术学校', unit_code: '411000', numerator: 8, denominator: 10, status: 'ok' },
];

/**
 * The scoring marts and core facts behind the scorecard pages, hand-checked (the numbers
 * the browser tests expect are worked out in the comments):
 * - 2025 school scores sum to 989 over 12 schools: average 82.42; grades 优秀 3, 良好 6,
 *   合格 1, 不合格 2 (优良率 75.0%); one veto (经开区长村张小学, a death: AJ-9).
 * - Units 2025: 禹州 88.50 (1, ↑1), 魏都 85.00 (2, ↓1), 鄢陵 85.00 (2, new), 经开区 62.30 (4),
 *   市直 90.20 unranked. 2025 vs 2024 school grades: 2 up, 2 down.
 * - Major hazards at 2025-12-31: open 2 (H1, H2), overdue 1 (H1, 60 days past 2025-11-01).
 *   隐患治理 2025: open by age H1 91 days (91–180天), H2 30 days (30天以内); funnel found 3
 *   (H1–H3), due 2 (H1, H3), rectified 1, on time 1 (H3); A5 禹州 0.0% (0/5), 魏都 25.0% (1/4).
 *   At 2024-12-31 H4 is open 244 days and 213 days overdue.
 * - Red/orange alerts 2025 (duplicates excluded): 2, 4 and 10 minutes → median 4.0.
 * - Device uptime B2 2025: (990 + 1960) / (1000 + 2000) = 98.33%.
 * - 预警与设备 2025 (AL5 a duplicate, left out): 视频AI 2 alerts, 1 false alarm (AL2) → 50.0%;
 *   消防物联 0 / 1, 语音AI 0 / 1. Acknowledged in 2 (红), 4 (橙), 10 (红), 30 (黄) minutes: 视频AI·橙
 *   median 4.0, 视频AI·黄 30.0. Weekdays: 2025-01-10 Fri, 2025-03-10 Mon, 2025-05-05 Mon,
 *   2025-05-06 Tue → 周一 2, 周二 1, 周五 1.
 * - 专项工作 2025: D1 禹州 1800 / 2000 = 90.0% (1), 魏都 1700 / 2000 = 85.0% (2); 水域巡查 of
 *   禹州市第一小学 in 2025-05 (1), 2025-07 (2) and 2025-10 (1): 3 of the 4 in the May–Sep season.
 * - Cases 2025: 7. At school level 魏都区实验小学 has one 性侵害 case, 禹州市第一小学 three
 *   心理危机 cases, 经开区长村张小学 one death: published as "<3", 3 and "<3".
 * - 魏都区 2025 indicators: A3 90.0% 4.33/6 未达标 (rank 2), B2 99.0% 4/4 达标, I1 90.0% 3.75/5 未达标;
 *   its short board A3 (72.2% against a median of 75.0%).
 * - 魏都区实验小学 D1 2025: 1999 / 2000 = 99.95%, short of its 100% target: shown as 99.95%, never
 *   rounded to "100.0%" beside 未达标 (3.99 of 4 points).
 * - 年度考核 2025 method comparison (transforms/weighting/methods.ts, shipped 2025 definition) over the ranked
 *   units 禹州, 魏都, 鄢陵, 经开区 (official ranks 1, 2, 2, 4):
 *   AHP: a school's score = 100 × Σ w_d·earned_d/applicable_d ÷ Σ w_d over its domains (A3 points
 *   6 × (rate − 0.7) / 0.3, no data = 0 of 6); a unit = 0.85 × enrollment-weighted mean + 0.15 ×
 *   supervision. 禹州 (100, 86.67, 0; 1200/900/200 students) 0.85 × 86.09 + 0.15 × 91.33 = 86.87;
 *   鄢陵 (66.67, 66.67) 0.85 × 66.67 + 12.75 = 69.42; 经开区 (0, 33.33; 300/600) 18.89 + 9.60 = 28.49;
 *   魏都 (实验小学 A 9/12, D 3.99/4, F 0/4: 100 × (0.75 wA + 0.9975 wD) / (wA + wD + wF) = 70.16 at
 *   wA 0.2713, wD 0.1637, wF 0.0878; 育才 16.67; 一中 100; 1500/800/1000) 0.85 × 66.23 + 12.75 = 69.05
 *   → AHP ranks 禹州 1, 鄢陵 2, 魏都 3, 经开区 4.
 *   Entropy and TOPSIS use the criteria every ranked unit has: A3 (attainment 0.9, 0.722, 0.5, 0.2)
 *   and I1 (0.95, 0.75, 0.75, 0.25); A2 and B2 are left out. 禹州 is best and 经开区 worst on both
 *   and 魏都 ≥ 鄢陵 on both, so any positive weights rank them 1, 2, 3, 4 (TOPSIS closeness 1 and 0 at
 *   the ends). Entropy weights 0.5318 / 0.4682: 禹州 100 × (0.5318 × 0.9 + 0.4682 × 0.95) = 92.34,
 *   魏都 73.52, 鄢陵 61.71, 经开区 22.34. TOPSIS weights by points 0.85 × 6 : 0.15 × 5 = 0.8718 / 0.1282;
 *   魏都 d+ 0.1230, d− 0.3603 → 0.7455; 鄢陵 0.4336. So 魏都 (AHP 3) and 鄢陵 (entropy, TOPSIS 3) differ.
 */
const SCORING_SQL = `
  alter table marts.indicator_values add column indicator_name varchar;
  alter table marts.indicator_values add column domain_id varchar;
  alter table marts.indicator_values add column unit varchar default '%';
  alter table marts.indicator_values add column points double;
  alter table marts.indicator_values add column max_points double;
  alter table marts.indicator_values add column sort_order integer;
  alter table marts.indicator_values add column target double default 1;
  alter table marts.indicator_values add column direction varchar default 'higher_better';
  update marts.indicator_values set indicator_name = '隐患按期整改率', domain_id = 'A', sort_order = 3, max_points = 6,
    points = case when status = 'no_data' then 0 else round(6 * greatest(0, least(1, (value - 0.7) / 0.3)), 4) end
    where indicator_id = 'A3';
  update marts.indicator_values set indicator_name = '交办函按期反馈率', domain_id = 'I', sort_order = 26, max_points = 5,
    points = round(5 * greatest(0, least(1, (value - 0.6) / 0.4)), 4) where indicator_id = 'I1';
  insert into marts.indicator_values (period, unit_code, school_code, school_name, indicator_id, value, numerator, denominator, status,
      indicator_name, domain_id, unit, points, max_points, sort_order, target, direction) values
    ('2025', '411002', '2141002001', '魏都区实验小学', 'A4', 1, 1, NULL, 'ok', '重大隐患超期', 'A', '项', 3, 6, 4, NULL, 'lower_better'),
    ('2025', '411002', '2141002001', '魏都区实验小学', 'D1', 0.9995, 1999, 2000, 'ok', '告知书回执率', 'D', '%', 3.99, 4, 14, 1, 'higher_better'),
    ('2025', '411002', '2141002001', '魏都区实验小学', 'D2', NULL, NULL, NULL, 'not_applicable', '水域巡查', 'D', '%', NULL, NULL, 15, 1, 'higher_better'),
    ('2025', '411002', '2141002001', '魏都区实验小学', 'F1', NULL, NULL, NULL, 'no_data', '心理测评覆盖率', 'F', '%', 0, 4, 20, 1, 'higher_better');
  alter table marts.indicator_values add column scope varchar;
  alter table marts.indicator_values add column definition_edition integer default 2025;
  update marts.indicator_values set scope = case when school_code is null then 'unit' else 'school' end;

  alter table marts.unit_indicator_ranking add column indicator_name varchar;
  alter table marts.unit_indicator_ranking add column unit varchar default '%';
  alter table marts.unit_indicator_ranking add column attainment double;
  alter table marts.unit_indicator_ranking add column n_schools_applicable integer;
  update marts.unit_indicator_ranking set n_schools_applicable = n_schools,
    attainment = case unit_code when '411081' then 0.9 when '411002' then 13.0 / 18 when '411024' then 0.5 when '411071' then 0.2 else 0.75 end
    where indicator_id = 'A3' and period = '2025';
  update marts.unit_indicator_ranking set n_schools_applicable = 2, attainment = 0.99 where indicator_id = 'A2';
  insert into marts.unit_indicator_ranking (period, unit_code, unit_name, indicator_id, value, numerator, denominator, n_schools, rank, attainment, n_schools_applicable) values
    ('2025', '411002', '魏都区', 'B2', 0.99, 990, 1000, 3, 1, 1, 3),
    ('2025', '411081', '禹州市', 'B2', 0.98, 1960, 2000, 3, 2, 0.8, 3),
    ('2025', '411081', '禹州市', 'A5', 0, 0, 5, 3, 1, 1, 3),
    ('2025', '411002', '魏都区', 'A5', 0.25, 1, 4, 3, 2, 0, 3);
  insert into marts.unit_indicator_ranking (period, unit_code, unit_name, indicator_id, indicator_name, value, numerator, denominator, n_schools, rank, attainment, n_schools_applicable) values
    ('2025', '411081', '禹州市', 'D1', '告知书回执率', 0.9, 1800, 2000, 3, 1, 0.8, 3),
    ('2025', '411002', '魏都区', 'D1', '告知书回执率', 0.85, 1700, 2000, 3, 2, 0.6, 3);
  update marts.unit_indicator_ranking set indicator_name = '一键报警在线率' where indicator_id = 'B2';

  create table ref.indicators (edition integer, indicator_id varchar, domain_id varchar, indicator_name_zh varchar, unit varchar, points double, sort_order integer,
    target double, direction varchar);
  insert into ref.indicators values (2025, 'A2', 'A', '检查项合格率', '%', 5, 2, 0.98, 'higher_better'), (2025, 'A3', 'A', '隐患按期整改率', '%', 6, 3, 1, 'higher_better'),
    (2025, 'B2', 'B', '一键报警在线率', '%', 4, 7, 0.99, 'higher_better'), (2025, 'I1', 'I', '交办函按期反馈率', '%', 5, 26, 1, 'higher_better');
  create table ref.definition_editions (edition integer, version varchar, title_zh varchar, definition_path varchar, definition_sha256 varchar);
  create table ref.domains (edition integer, domain_id varchar, domain_name_zh varchar, points integer, sort_order integer);
  insert into ref.domains values (2025, 'A', '隐患排查治理', 25, 1), (2025, 'B', '人防技防', 20, 2), (2025, 'C', '消防与演练', 10, 3),
    (2025, 'D', '防溺水', 10, 4), (2025, 'E', '防欺凌', 10, 5), (2025, 'F', '心理健康', 10, 6), (2025, 'G', '预警处置', 10, 7), (2025, 'H', '事故案件', 5, 8);
  create table ref.grade_bands (edition integer, grade varchar, min_score double, sort_order integer);
  insert into ref.grade_bands values (2025, '优秀', 90, 1), (2025, '良好', 80, 2), (2025, '合格', 60, 3), (2025, '不合格', 0, 4);

  create table core.dim_periods (period_id varchar, period_kind varchar, start_on date, end_on date, previous_period_id varchar, as_of_on date, definition_edition integer);
  insert into core.dim_periods values ('2024', 'year', '2024-01-01', '2024-12-31', NULL, '2024-12-31', 2025),
    ('2025', 'year', '2025-01-01', '2025-12-31', '2024', '2025-12-31', 2025);
  create table core.dim_period_days as
    select period_id, unnest(generate_series(start_on, as_of_on, interval 1 day))::date as day_on from core.dim_periods;
  alter table core.dim_schools add column is_current boolean default true;
  alter table core.dim_schools add column school_type varchar;

  create table marts.unit_scorecard (period varchar, unit_code varchar, unit_name varchar, school_mean double, supervision_score double,
    score double, grade varchar, is_vetoed boolean, n_vetoed_schools integer, rank integer, previous_rank integer, rank_change integer,
    n_schools integer, is_ranked boolean, definition_edition integer);
  insert into marts.unit_scorecard values
    ('2025', '411081', '禹州市', 88, 91.33, 88.50, '良好', false, 0, 1, 2, 1, 3, true, 2025),
    ('2025', '411002', '魏都区', 85, 85, 85.00, '良好', false, 0, 2, 1, -1, 3, true, 2025),
    ('2025', '411024', '鄢陵县', 85, 85, 85.00, '良好', false, 0, 2, NULL, NULL, 2, true, 2025),
    ('2025', '411071', '许昌经济技术开发区', 62, 64, 62.30, '合格', true, 1, 4, NULL, NULL, 2, true, 2025),
    ('2025', '411000', '市直', 90, 91.33, 90.20, '优秀', false, 0, NULL, NULL, NULL, 2, false, 2025),
    ('2024', '411002', '魏都区', 80, 80, 80.00, '良好', false, 0, 1, NULL, NULL, 3, true, 2025),
    ('2024', '411081', '禹州市', 78, 78, 78.00, '合格', false, 0, 2, NULL, NULL, 3, true, 2025),
    ('2024', '411000', '市直', 75, 75, 75.00, '合格', false, 0, NULL, NULL, NULL, 2, false, 2025);

  create table marts.school_scorecard (period varchar, school_code varchar, school_name varchar, unit_code varchar, school_type varchar,
    enrollment integer, score double, grade varchar, is_vetoed boolean, veto_reason varchar, rank integer, n_ranked integer,
    previous_rank integer, rank_change integer, definition_edition integer);
  insert into marts.school_scorecard values
    ('2025', '2141081001', '禹州市第一小学', '411081', '小学', 1200, 92, '优秀', false, NULL, 1, 6, NULL, NULL, 2025),
    ('2025', '3141081002', '禹州市第二初级中学', '411081', '初中', 900, 86, '良好', false, NULL, 2, 2, NULL, NULL, 2025),
    ('2025', '1141081003', '禹州市实验幼儿园', '411081', '幼儿园', 200, 81, '良好', false, NULL, 1, 1, NULL, NULL, 2025),
    ('2025', '2141002001', '魏都区实验小学', '411002', '小学', 1500, 90, '优秀', false, NULL, 2, 6, NULL, NULL, 2025),
    ('2025', '2141002002', '魏都区育才小学', '411002', '小学', 800, 78, '合格', false, NULL, 4, 6, NULL, NULL, 2025),
    ('2025', '3141002003', '魏都区第一初级中学', '411002', '初中', 1000, 88, '良好', false, NULL, 1, 2, NULL, NULL, 2025),
    ('2025', '2141024001', '鄢陵县城关小学', '411024', '小学', 700, 85, '良好', false, NULL, 3, 6, NULL, NULL, 2025),
    ('2025', '3441024002', '鄢陵县第一高级中学', '411024', '高中', 2000, 84, '良好', false, NULL, 1, 1, NULL, NULL, 2025),
    ('2025', '2141071001', '经开区长村张小学', '411071', '小学', 300, 70, '不合格', true, 'V1 发生死亡事故（AJ-9）', 5, 6, NULL, NULL, 2025),
    ('2025', '2141071002', '经开区实验学校', '411071', '小学', 600, 55, '不合格', false, NULL, 6, 6, NULL, NULL, 2025),
    ('2025', '3441000001', '许昌高级中学', '411000', '高中', 3000, 91, '优秀', false, NULL, 1, 1, NULL, NULL, 2025),
    ('2025', '3641000002', '许昌职业技术学校', '411000', '中职', 1800, 89, '良好', false, NULL, 1, 1, NULL, NULL, 2025),
    ('2024', '2141002001', '魏都区实验小学', '411002', '小学', 1500, 88, '良好', false, NULL, 1, 3, NULL, NULL, 2025),
    ('2024', '2141002002', '魏都区育才小学', '411002', '小学', 800, 80, '良好', false, NULL, 2, 3, NULL, NULL, 2025),
    ('2024', '3141002003', '魏都区第一初级中学', '411002', '初中', 1000, 85, '良好', false, NULL, 1, 2, NULL, NULL, 2025),
    ('2024', '2141081001', '禹州市第一小学', '411081', '小学', 1200, 79, '合格', false, NULL, 3, 3, NULL, NULL, 2025),
    ('2024', '3141081002', '禹州市第二初级中学', '411081', '初中', 900, 83, '良好', false, NULL, 2, 2, NULL, NULL, 2025),
    ('2024', '1141081003', '禹州市实验幼儿园', '411081', '幼儿园', 200, 90, '优秀', false, NULL, 1, 1, NULL, NULL, 2025);

  -- the registry's school types, as the scorecards name them (the topic pages' 学段 filter)
  update core.dim_schools d set school_type = (select any_value(s.school_type) from marts.school_scorecard s where s.school_code = d.school_code);

  create table marts.short_boards (period varchar, unit_code varchar, school_code varchar, school_name varchar, indicator_id varchar,
    indicator_name varchar, board_rank integer, value double, city_median_value double, attainment double, city_median_attainment double,
    gap double, suggestion varchar, suggestions varchar[]);
  insert into marts.short_boards values
    ('2025', '411002', NULL, NULL, 'A3', '隐患按期整改率', 1, 0.9, 0.9, 13.0 / 18, 0.75, 0.0278, '建立隐患整改台账，逐项明确责任人和整改时限。',
     ['建立隐患整改台账，逐项明确责任人和整改时限。', '对短期内无法完成整改的隐患，制定临时管控措施。']);

  create table core.fct_hazards (hazard_id varchar, school_code varchar, unit_code varchar, found_on date, hazard_level varchar, is_major boolean,
    hazard_text varchar, due_on date, rectified_on date, item_code varchar);
  insert into core.fct_hazards values
    ('H1', '2141002002', '411002', '2025-10-01', '重大', true, '消防通道堆放杂物', '2025-11-01', NULL, 'XF-03'),
    ('H2', '2141081001', '411081', '2025-12-01', '重大', true, '配电箱无防护', '2026-01-15', NULL, 'DQ-01'),
    ('H3', '2141002001', '411002', '2025-03-01', '一般', false, '灭火器过期', '2025-03-31', '2025-03-20', 'XF-01'),
    ('H4', '2141071001', '411071', '2024-05-01', '重大', true, '围墙破损', '2024-06-01', '2025-02-01', 'RF-02');
  -- the names the 隐患治理 page shows beside the codes; RF-02 has none (shown as its code alone)
  create table ref.checklist_items (item_code varchar, item_name varchar, category varchar, is_escape_obstacle boolean, applies_to varchar);
  insert into ref.checklist_items values ('XF-03', '消防通道畅通无占用', '消防安全', false, 'all'), ('XF-01', '灭火器配置齐全', '消防安全', false, 'all');

  create table core.fct_alerts (alert_id varchar, school_code varchar, unit_code varchar, origin varchar, category varchar, level varchar,
    raised_at timestamp, minutes_to_acknowledge double, is_false_alarm boolean, is_duplicate boolean);
  insert into core.fct_alerts values
    ('AL1', '2141002001', '411002', '消防物联', '烟火', '红', '2025-01-10 08:00:00', 2, false, false),
    ('AL2', '2141002001', '411002', '视频AI', '打架', '橙', '2025-03-10 10:00:00', 4, true, false),
    ('AL3', '2141081001', '411081', '语音AI', '求救语音', '红', '2025-05-05 14:00:00', 10, false, false),
    ('AL4', '2141081001', '411081', '视频AI', '攀爬', '黄', '2025-05-06 09:00:00', 30, false, false),
    ('AL5', '2141002002', '411002', '视频AI', '打架', '橙', '2025-06-01 09:00:00', 1, false, true);

  create table core.fct_cases (case_id varchar, school_code varchar, unit_code varchar, category varchar, severity varchar, severity_weight integer,
    occurred_at timestamp, is_late_reported boolean, n_injured integer, n_deaths integer);
  insert into core.fct_cases values
    ('AJ-1', '2141002001', '411002', '意外伤害', '一般', 1, '2025-04-01 10:00:00', false, 1, 0),
    ('AJ-2', '2141002001', '411002', '意外伤害', '一般', 1, '2025-09-01 10:00:00', false, 2, 0),
    ('AJ-3', '2141002001', '411002', '性侵害', '一般', 1, '2025-10-01 10:00:00', false, 0, 0),
    ('AJ-4', '2141081001', '411081', '心理危机', '较大', 3, '2025-11-01 10:00:00', false, 0, 0),
    ('AJ-5', '2141081001', '411081', '心理危机', '一般', 1, '2025-11-02 10:00:00', false, 0, 0),
    ('AJ-6', '2141081001', '411081', '心理危机', '一般', 1, '2025-11-03 10:00:00', false, 0, 0),
    ('AJ-9', '2141071001', '411071', '溺水', '较大', 3, '2025-07-10 15:00:00', false, 0, 1);

  create table core.fct_activities (activity_id varchar, school_code varchar, unit_code varchar, activity_on date, activity_kind varchar, topic varchar);
  insert into core.fct_activities values
    ('D-1', '2141002001', '411002', '2025-03-15', '应急演练', '消防'), ('D-2', '2141002001', '411002', '2025-03-20', '应急演练', '综合'),
    ('D-3', '2141002001', '411002', '2025-09-10', '应急演练', '消防'),
    ('W-1', '2141081001', '411081', '2025-05-20', '水域巡查', NULL), ('W-2', '2141081001', '411081', '2025-07-05', '水域巡查', NULL),
    ('W-3', '2141081001', '411081', '2025-07-19', '水域巡查', NULL), ('W-4', '2141081001', '411081', '2025-10-02', '水域巡查', NULL);

  -- 年度考核: 2025 approved (shown), 2024 only pending (never shown)
  create table audit.appraisals (appraisal_id varchar, year integer, cutoff_on date, snapshot_sha256 varchar, definition_version varchar,
    status varchar, approver varchar, comment varchar, requested_at timestamp, decided_at timestamp);
  insert into audit.appraisals values
    ('2025-20260110-a1b2c3d4', 2025, '2026-01-09', 'f00dfeedcafe0123456789abcdef0123456789abcdef0123456789abcdef0123', '2025.1',
     'approved', '安全科 王科长', NULL, '2026-01-10 09:00:00', '2026-01-12 16:30:00'),
    ('2024-20250110-00000001', 2024, '2025-01-09', 'aaaa', '2025.1', 'pending', NULL, NULL, '2025-01-10 09:00:00', NULL);
`;

/**
 * 报送监测 (source monitoring) as of 2025-12-31, and three daily checks (2025-12-30, 12-31,
 * 2026-01-01). Problems on the data's last day: 鄢陵县's alerts 缺报 since 2025-10-23 (last
 * 10-14, 76 days overdue), 禹州市第一小学's self-inspections 缺报 since 11-11 (last 08-20, 82
 * days), 魏都区育才小学's 迟报 since 12-11 (last 10-05, 21 days), 禹州市's sensors 异常 (a drop on
 * 12-30). In the checks, 鄢陵县's alerts were flagged on 12-30, clear on 12-31 and flagged again
 * on 01-01 (so "first found" 2026-01-01, one check); 禹州市第一小学 in all three (2025-12-30, three
 * checks); the other two only on 01-01.
 */
const HEALTH_SQL = `
  create table marts.source_health (scope varchar, source varchar, record_kind varchar, unit_code varchar, unit_name varchar,
    school_code varchar, school_name varchar, cadence varchar, status varchar, as_of_on date, latest_on date, lag_days integer,
    status_since_on date, n_schools_expected integer, n_schools_reporting integer, completeness double, n_schools_late integer,
    n_schools_missing integer);
  insert into marts.source_health values
    ('unit', 'sensors', NULL, '411002', '魏都区', NULL, NULL, 'daily', '正常', '2025-12-31', '2025-12-31', 0, NULL, 3, 3, 1, NULL, NULL),
    ('unit', 'alerts', NULL, '411002', '魏都区', NULL, NULL, 'daily', '正常', '2025-12-31', '2025-12-31', 0, NULL, 3, 3, 1, NULL, NULL),
    ('unit', 'inspections', '自查', '411002', '魏都区', NULL, NULL, 'monthly', '正常', '2025-12-31', '2025-12-20', 0, NULL, 3, 2, 2.0 / 3, 1, 0),
    ('unit', 'cases', NULL, '411002', '魏都区', NULL, NULL, 'none', NULL, '2025-12-31', '2025-10-01', NULL, NULL, 0, 0, NULL, NULL, NULL),
    ('unit', 'sensors', NULL, '411024', '鄢陵县', NULL, NULL, 'daily', '正常', '2025-12-31', '2025-12-31', 0, NULL, 2, 2, 1, NULL, NULL),
    ('unit', 'alerts', NULL, '411024', '鄢陵县', NULL, NULL, 'daily', '缺报', '2025-12-31', '2025-10-14', 76, '2025-10-23', 2, 0, 0, NULL, NULL),
    ('unit', 'inspections', '自查', '411024', '鄢陵县', NULL, NULL, 'monthly', '正常', '2025-12-31', '2025-12-15', 0, NULL, 2, 2, 1, 0, 0),
    ('unit', 'cases', NULL, '411024', '鄢陵县', NULL, NULL, 'none', NULL, '2025-12-31', NULL, NULL, NULL, 0, 0, NULL, NULL, NULL),
    ('unit', 'sensors', NULL, '411081', '禹州市', NULL, NULL, 'daily', '异常', '2025-12-31', '2025-12-31', 0, '2025-12-30', 3, 3, 1, NULL, NULL),
    ('unit', 'alerts', NULL, '411081', '禹州市', NULL, NULL, 'daily', '正常', '2025-12-31', '2025-12-31', 0, NULL, 3, 2, 2.0 / 3, NULL, NULL),
    ('unit', 'inspections', '自查', '411081', '禹州市', NULL, NULL, 'monthly', '正常', '2025-12-31', '2025-12-28', 0, NULL, 3, 2, 2.0 / 3, 0, 1),
    ('unit', 'cases', NULL, '411081', '禹州市', NULL, NULL, 'none', NULL, '2025-12-31', '2025-11-03', NULL, NULL, 0, 0, NULL, NULL, NULL),
    ('school', 'inspections', '自查', '411081', '禹州市', '2141081001', '禹州市第一小学', 'monthly', '缺报', '2025-12-31', '2025-08-20', 82, '2025-11-11', 1, 0, 0, NULL, NULL),
    ('school', 'inspections', '自查', '411002', '魏都区', '2141002002', '魏都区育才小学', 'monthly', '迟报', '2025-12-31', '2025-10-05', 21, '2025-12-11', 1, 0, 0, NULL, NULL),
    ('school', 'inspections', '自查', '411002', '魏都区', '2141002001', '魏都区实验小学', 'monthly', '正常', '2025-12-31', '2025-12-20', 0, NULL, 1, 1, 1, NULL, NULL);
  create table ref.source_cadence (source varchar, scope varchar, cadence varchar, record_kind varchar, due_from varchar, due_days integer,
    late_after_windows integer, missing_after_windows integer, volume_windows integer, volume_min_median integer, volume_drop_share double);
  insert into ref.source_cadence values
    ('sensors', 'unit', 'daily', NULL, 'end', 1, 3, 7, 8, 20, 0.5),
    ('inspections', 'school', 'monthly', '自查', 'end', 10, 1, 2, NULL, NULL, NULL),
    ('schools', 'school', 'term', NULL, 'start', 30, 1, 1, NULL, NULL, NULL),
    ('cases', 'unit', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  create table audit.health_checks (check_id varchar, checked_at timestamp, check_on date, data_until_on date, check_trigger varchar,
    n_late integer, n_missing integer, n_anomalies integer, notify_status varchar, notify_detail varchar);
  insert into audit.health_checks values
    ('h-0', '2025-12-30 02:10:00', '2025-12-30', '2025-12-29', 'after_transform', 0, 2, 0, 'sent', NULL),
    ('h-1', '2025-12-31 02:10:00', '2025-12-31', '2025-12-30', 'after_transform', 0, 1, 0, 'sent', NULL),
    ('h-2', '2026-01-01 02:10:00', '2026-01-01', '2025-12-31', 'after_transform', 1, 2, 1, 'sent', NULL);
  create table audit.health_results (check_id varchar, scope varchar, source varchar, unit_code varchar, school_code varchar, status varchar,
    latest_on date, lag_days integer, status_since_on date);
  insert into audit.health_results values
    ('h-0', 'unit', 'alerts', '411024', NULL, '缺报', '2025-10-14', 74, '2025-10-23'),
    ('h-0', 'school', 'inspections', '411081', '2141081001', '缺报', '2025-08-20', 80, '2025-11-11'),
    ('h-1', 'school', 'inspections', '411081', '2141081001', '缺报', '2025-08-20', 81, '2025-11-11'),
    ('h-2', 'unit', 'alerts', '411024', NULL, '缺报', '2025-10-14', 77, '2025-10-23'),
    ('h-2', 'school', 'inspections', '411081', '2141081001', '缺报', '2025-08-20', 83, '2025-11-11'),
    ('h-2', 'school', 'inspections', '411002', '2141002002', '迟报', '2025-10-05', 22, '2025-12-11'),
    ('h-2', 'unit', 'sensors', '411081', NULL, '异常', '2025-12-31', 0, '2025-12-30');
`;

/** Text inside row contents (audit.rejects.raw/message, audit.data_tests.sample) that no page may show. */
export const RAW_MARKER = 'ROW-CONTENT-NEVER-PUBLISHED';

export interface FixtureBatch {
  batch_id: string;
  file: string;
  source: string | null;
  status: 'landed' | 'held' | 'released' | 'failed';
  rows_read: number;
  rows_rejected: number;
  /** reason code → rejected rows (a file-level reason counts one reject with no row number). */
  rejects: Record<string, number>;
}

/** 202 rows read, 25 rejected (12.4%); one batch held, one released, one failed. */
export const FIXTURE_BATCHES: FixtureBatch[] = [
  { batch_id: 'b-01', file: '/inbox/schools/schools_2025.xlsx', source: 'schools', status: 'landed', rows_read: 12, rows_rejected: 0, rejects: {} },
  { batch_id: 'b-02', file: '/inbox/inspections/inspections_2025.csv', source: 'inspections', status: 'landed', rows_read: 100, rows_rejected: 5, rejects: { unknown_school: 3, bad_date: 2 } },
  { batch_id: 'b-03', file: '/inbox/alerts/alerts_2025.ndjson', source: 'alerts', status: 'held', rows_read: 40, rows_rejected: 10, rejects: { missing_required: 10 } },
  { batch_id: 'b-04', file: '/inbox/sensors/sensors_2025.csv', source: 'sensors', status: 'released', rows_read: 46, rows_rejected: 10, rejects: { out_of_range: 10 } },
  { batch_id: 'b-05', file: '/inbox/cases/cases_2025_retry.csv', source: null, status: 'failed', rows_read: 0, rows_rejected: 0, rejects: { empty_file: 1 } },
  { batch_id: 'b-06', file: '/inbox/activities/activities_2025.json', source: 'activities', status: 'landed', rows_read: 4, rows_rejected: 0, rejects: {} },
];

/** Latest business date per source: city-wide and for 魏都区 (411002) alone; alerts and cases have no landed rows. */
export const FIXTURE_FRESHNESS: Record<string, { city: string | null; weidu: string | null }> = {
  schools: { city: '2025-09-01', weidu: '2025-09-01' },
  inspections: { city: '2025-12-20', weidu: '2025-12-10' },
  sensors: { city: '2025-12-31', weidu: '2025-12-30' },
  alerts: { city: null, weidu: null },
  cases: { city: null, weidu: null },
  activities: { city: '2025-11-30', weidu: '2025-11-02' },
};

// Asia/Shanghai wall time, as the warehouse stores every timestamp
export const FIXTURE_PUBLISHED_AT = '2026-01-05 10:10:00';

function sqlString(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`;
}

function sqlNumber(value: number | null): string {
  return value === null ? 'NULL' : String(value);
}

function ratio(numerator: number | null, denominator: number | null): number | null {
  return numerator === null || !denominator ? null : numerator / denominator;
}

/** Writes the fixture snapshot to `path` (which must not exist yet). */
export async function createFixtureSnapshot(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const unitValues = FIXTURE_UNITS.map(
      ([code, name, pinyin, kind, ranked, official]) =>
        `(${sqlString(code)}, ${sqlString(name)}, ${sqlString(pinyin)}, ${sqlString(kind)}, ${ranked}, ${official}, '许昌市')`,
    ).join(',\n');
    const rankingValues = [
      ...FIXTURE_RANKING.map(
        (r) =>
          `('2025', ${sqlString(r.unit_code)}, ${sqlString(r.unit_name)}, 'A3', ${sqlNumber(ratio(r.numerator, r.denominator))}, ` +
          `${r.numerator}, ${r.denominator}, ${r.n_schools}, ${sqlNumber(r.rank)})`,
      ),
      // Noise the overview page must ignore: a previous period and another indicator.
      `('2024', '411002', '魏都区', 'A3', 0.5, 5, 10, 3, 4)`,
      `('2024', '411081', '禹州市', 'A3', 0.6, 6, 10, 3, 3)`,
      `('2025', '411071', '许昌经济技术开发区', 'A2', 0.99, 99, 100, 2, 1)`,
    ].join(',\n');
    const schoolValues = FIXTURE_SCHOOLS.map(
      (s) =>
        `('2025', ${sqlString(s.unit_code)}, ${sqlString(s.school_code)}, ${sqlString(s.school_name)}, 'A3', ` +
        `${sqlNumber(ratio(s.numerator, s.denominator))}, ${sqlNumber(s.numerator)}, ${sqlNumber(s.denominator)}, ${sqlString(s.status)})`,
    );
    const unitLevelValues = FIXTURE_RANKING.map(
      (r) =>
        `('2025', ${sqlString(r.unit_code)}, NULL, NULL, 'I1', ${sqlNumber(ratio(r.numerator, r.denominator))}, ${r.numerator}, ${r.denominator}, 'ok')`,
    );
    await connection.run(`
      create schema ref;
      create schema marts;
      create schema audit;
      create table ref.units (
        unit_code varchar, unit_name varchar, unit_pinyin varchar, unit_kind varchar,
        is_ranked boolean, has_official_code boolean, city_name varchar);
      insert into ref.units values ${unitValues};
      create table ref.unit_tiles (unit_code varchar, tile_col integer, tile_row integer);
      insert into ref.unit_tiles values ${FIXTURE_TILES.map(([code, col, row]) => `(${sqlString(code)}, ${col}, ${row})`).join(', ')};
      create table marts.indicator_values (
        period varchar, unit_code varchar, school_code varchar, school_name varchar,
        indicator_id varchar, value double, numerator double, denominator double, status varchar);
      insert into marts.indicator_values values ${[...schoolValues, ...unitLevelValues].join(',\n')};
      create table marts.unit_indicator_ranking (
        period varchar, unit_code varchar, unit_name varchar, indicator_id varchar,
        value double, numerator double, denominator double, n_schools integer, rank integer);
      insert into marts.unit_indicator_ranking values ${rankingValues};
      create schema core;
      create schema staging;
      create table core.dim_schools (school_code varchar, school_name varchar, unit_code varchar, valid_from date);
      insert into core.dim_schools values ${FIXTURE_SCHOOLS.map((s) => `(${sqlString(s.school_code)}, ${sqlString(s.school_name)}, ${sqlString(s.unit_code)}, '2024-09-01')`).join(',\n')};
      create table staging.stg_schools (school_code varchar, school_name varchar, unit_code varchar, reported_on date);
      insert into staging.stg_schools select school_code, school_name, unit_code, '2025-09-01' from core.dim_schools;
      create table staging.stg_inspections (inspection_id varchar, school_code varchar, inspected_on date, hazard_text varchar);
      insert into staging.stg_inspections values
        ('JC-1', '2141081001', '2025-12-20', '消防通道堆放杂物'), ('JC-2', '2141002001', '2025-12-10', NULL), ('JC-3', '2141002002', '2025-11-01', NULL);
      create table staging.stg_sensors (device_id varchar, school_code varchar, event_at timestamp);
      insert into staging.stg_sensors values ('D-1', '3141002003', '2025-12-30 08:00:00'), ('D-2', '3441000001', '2025-12-31 23:00:00');
      create table staging.stg_alerts (alert_id varchar, school_code varchar, raised_at timestamp, handler varchar);
      create table staging.stg_cases (case_id varchar, school_code varchar, occurred_at timestamp);
      -- unit-level rows (school_code null): a letter from 禹州 to one of its schools, an interview noted in free text
      create table staging.stg_activities (activity_id varchar, school_code varchar, unit_code varchar, activity_on date,
        activity_kind varchar, target_school_code varchar, note varchar);
      insert into staging.stg_activities values
        ('A-1', '2141002001', '411002', '2025-11-02', '应急演练', NULL, NULL),
        ('A-2', NULL, '411002', '2025-10-08', '督导', '2141002002', '魏都区育才小学隐患整改交办函'),
        ('A-3', NULL, '411081', '2025-11-30', '督导', '2141081001', '禹州市第一小学隐患整改交办函'),
        ('A-4', NULL, '411081', '2025-11-15', '督导', NULL, '约谈禹州市第二初级中学校长'),
        ('A-5', '2141081001', '411081', '2025-11-20', '应急演练', NULL, NULL);
      create table audit.batches (batch_id varchar, batch_seq bigint, file varchar, source varchar, format varchar,
        sha256 varchar, bytes bigint, archive_path varchar, rows_read integer, rows_landed integer, rows_rejected integer,
        status varchar, message varchar, started_at timestamp, finished_at timestamp);
      insert into audit.batches values ${FIXTURE_BATCHES.map(
        (b, i) =>
          `(${sqlString(b.batch_id)}, ${i + 1}, ${sqlString(b.file)}, ${sqlString(b.source)}, ${sqlString(b.source ? b.file.split('.').at(-1)! : null)}, ` +
          `'sha${i}', 1000, NULL, ${b.rows_read}, ${b.rows_read - b.rows_rejected}, ${b.rows_rejected}, ${sqlString(b.status)}, NULL, ` +
          `'2026-01-05 02:0${i}:00', '2026-01-05 02:0${i}:30')`,
      ).join(',\n')};
      create table audit.rejects (batch_id varchar, file varchar, row_number integer, reason_code varchar, message varchar, raw varchar);
      insert into audit.rejects
        select b.batch_id, b.file, case when r.reason in ('empty_file') then null else n end, r.reason,
               '${RAW_MARKER} message quoting 2141081001', '{"学校标识码":"3141081002","备注":"${RAW_MARKER}"}'
        from (values ${FIXTURE_BATCHES.flatMap((b) => Object.entries(b.rejects).map(([reason, n]) => `(${sqlString(b.batch_id)}, ${sqlString(reason)}, ${n})`)).join(', ')})
             as r(batch_id, reason, n_rows)
        join (select batch_id, file from (values ${FIXTURE_BATCHES.map((b) => `(${sqlString(b.batch_id)}, ${sqlString(b.file)})`).join(', ')}) as t(batch_id, file)) as b using (batch_id),
             range(1, r.n_rows + 1) as rows(n);
      create table audit.data_tests (run_id varchar, model varchar, test varchar, severity varchar, failing_rows integer, sample varchar, tested_at timestamp);
      insert into audit.data_tests values
        ('t-0', 'core.dim_schools', 'unique(school_code, valid_from)', 'error', 0, NULL, '2026-01-03 02:05:00'),
        ('t-0', 'staging.stg_alerts', 'expect: acknowledged_at >= raised_at', 'warn', 0, NULL, '2026-01-03 02:05:00'),
        ('t-1', 'core.dim_schools', 'unique(school_code, valid_from)', 'error', 0, NULL, '2026-01-04 02:05:00'),
        ('t-1', 'staging.stg_alerts', 'expect: acknowledged_at >= raised_at', 'warn', 7, '[{"school_code":"2141081001"}]', '2026-01-04 02:05:00'),
        ('t-2', 'core.dim_schools', 'unique(school_code, valid_from)', 'error', 0, NULL, '2026-01-05 02:05:00'),
        ('t-2', 'marts.indicator_values', 'not_null(status)', 'error', 0, NULL, '2026-01-05 02:05:00'),
        ('t-2', 'staging.stg_alerts', 'expect: acknowledged_at >= raised_at', 'warn', 2, '[{"school_code":"2141081001","note":"${RAW_MARKER}"}]', '2026-01-05 02:05:00');
      create table audit.runs (run_id varchar, started_at timestamp, finished_at timestamp, status varchar);
      insert into audit.runs values
        ('run-0001', '2026-01-04 02:00:00', '2026-01-04 02:09:00', 'succeeded'),
        ('run-0002', '2026-01-05 02:00:00', ${sqlString(FIXTURE_PUBLISHED_AT)}, 'succeeded'),
        ('run-0003', '2026-01-06 02:00:00', NULL, 'failed');
    `);
    await connection.run(SCORING_SQL);
    const approved = join(dirname(path), 'appraisals', '2025', 'approved.duckdb');
    mkdirSync(join(dirname(approved), 'report'), { recursive: true });
    for (const [name, text] of Object.entries(FIXTURE_APPRAISAL_FILES)) writeFileSync(join(dirname(approved), 'report', name), text);
    await connection.run('alter table audit.appraisals add column published_path varchar');
    await connection.run(`update audit.appraisals set published_path = $path where status = 'approved'`, { path: approved });
    await connection.run(HEALTH_SQL);
    // scored with the shipped 2025 definition: the 年度考核 method comparison uses its AHP matrix and unit-score weights
    const definition = loadDefinition(2025);
    await connection.run(`insert into ref.definition_editions values (2025, '2025.1', $title, $path, $sha256)`, {
      title: definition.title.zh,
      path: definition.source.path,
      sha256: definition.source.sha256,
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

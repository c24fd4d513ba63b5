// The 总览 and 县区评分卡 headline numbers and trends: the change from the previous period (kpi.js) and the trend chart axes (scorecard.js).
import { describe, expect, it } from 'vitest';
// @ts-expect-error browser component without type declarations
import { kpiChange } from '../../dashboards/src/components/kpi.js';
// @ts-expect-error browser component without type declarations
import { trendFloor, trendTicks } from '../../dashboards/src/components/scorecard.js';

describe('kpiChange', () => {
  it('says a change of a rate in 个百分点, to one decimal', () => {
    // 优良率 75.0% against 66.7% (9 of 12 against 8 of 12)
    expect(kpiChange(9 / 12, 8 / 12, { word: '同比', percent: true })).toBe('同比 +8.3 个百分点');
    expect(kpiChange(0.9833, 0.99, { word: '环比', percent: true })).toBe('环比 −0.7 个百分点');
  });

  it('says a change of a count or score in its unit, with thousands separators', () => {
    expect(kpiChange(85, 80, { word: '同比', unit: '分', digits: 2 })).toBe('同比 +5.00 分');
    expect(kpiChange(10, 12, { word: '同比', unit: '所' })).toBe('同比 −2 所');
    expect(kpiChange(12500, 10000, { word: '同比', unit: '所' })).toBe('同比 +2,500 所');
  });

  it('reads a change that rounds to nothing as 持平, and has nothing to say without a previous number', () => {
    expect(kpiChange(0.75001, 0.75, { word: '同比', percent: true })).toBe('同比持平');
    expect(kpiChange(3, 3, { word: '环比', unit: '项' })).toBe('环比持平');
    expect(kpiChange(3, undefined, { word: '同比', unit: '项' })).toBeNull();
    // a withheld count ("<3") is not compared
    expect(kpiChange('<3', 2, { word: '同比', unit: '起' })).toBeNull();
  });
});

describe('trend axes', () => {
  it('labels at most 12 periods, always the latest', () => {
    const years = Array.from({ length: 30 }, (_, i) => String(1996 + i));
    expect(trendTicks(years.slice(0, 12))).toEqual(years.slice(0, 12));
    // 30 periods: every third, counted back from 2025
    expect(trendTicks(years)).toEqual(['1998', '2001', '2004', '2007', '2010', '2013', '2016', '2019', '2022', '2025']);
    expect(trendTicks(['2024', '2025'], 4)).toEqual(['2024', '2025']);
  });

  it('starts the score axis at the 合格 line when every score reaches it, else the lowest score rounded down to a ten', () => {
    expect(trendFloor([62.3, 90.2])).toBe(60);
    expect(trendFloor([58, 90])).toBe(50);
    expect(trendFloor([3, 40])).toBe(0);
  });
});

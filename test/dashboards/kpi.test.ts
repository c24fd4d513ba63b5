import { describe, expect, it } from 'vitest';
// @ts-expect-error browser component without type declarations
import { kpiChange } from '../../dashboards/src/components/kpi.js';

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

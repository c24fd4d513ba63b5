import { describe, expect, it } from 'vitest';
// @ts-expect-error browser component without type declarations
import { changeWord, periodLabel, previousPeriod } from '../../dashboards/src/components/period.js';

describe('periodLabel', () => {
  it('names every kind of period id in Chinese', () => {
    expect(['2025', '2025-T1', '2025-T2', '2025-Q3', '2025-09', '2025-12', 'other'].map(periodLabel)).toEqual([
      '2025年',
      '2025年春季学期',
      '2025年秋季学期',
      '2025年第3季度',
      '2025年9月',
      '2025年12月',
      'other',
    ]);
  });
});

describe('previousPeriod and changeWord', () => {
  const periods = ['2023', '2024', '2025', '2024-T2', '2025-T1', '2025-T2', '2025-Q3'];
  it('finds the latest period of the same kind before, or none', () => {
    expect(['2025', '2023', '2025-T2', '2025-T1', '2025-Q3'].map((p) => previousPeriod(periods, p))).toEqual(['2024', null, '2025-T1', '2024-T2', null]);
  });
  it('names a year against the year before 同比 and shorter periods 环比', () => {
    expect(['2025', '2025-T1', '2025-Q3', '2025-09'].map(changeWord)).toEqual(['同比', '环比', '环比', '环比']);
  });
});

import { describe, expect, it } from 'vitest';
// @ts-expect-error browser component without type declarations
import { periodLabel } from '../../dashboards/src/components/period.js';

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

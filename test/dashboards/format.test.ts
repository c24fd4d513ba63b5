import { describe, expect, it } from 'vitest';
import { dateTime, fixedShort, int, pct } from '../../shared/format.js';
// @ts-expect-error browser component without type declarations
import * as siteFormat from '../../dashboards/src/components/format.js';
// @ts-expect-error browser component without type declarations
import { indicatorValue as siteValue, pointsOfMax } from '../../dashboards/src/components/scorecard.js';
import { indicatorValue as reportValue, pointsText } from '../../reports/html.ts';

const higher = (target: number) => ({ target, direction: 'higher_better' });
const lower = (target: number) => ({ target, direction: 'lower_better' });

describe('a value short of its goal never reads as reaching it', () => {
  it('keeps the usual decimals when rounding does not reach the goal, or when the value reaches it', () => {
    expect(pct(0.9794, 1, higher(0.98))).toBe('97.9%');
    expect(pct(0.98004, 1, higher(0.98))).toBe('98.0%');
    expect(pct(1, 1, higher(1))).toBe('100.0%');
    expect(pct(0.0196, 1, lower(0.02))).toBe('2.0%'); // at or below a lower-better goal reaches it
    expect(pct(0.9996)).toBe('100.0%'); // no goal, no change
    expect(fixedShort(2.96, 1, 3, false)).toBe('3.0');
  });

  it('shows as many more decimals as it takes, up to four', () => {
    expect(pct(0.9996, 1, higher(1))).toBe('99.96%');
    expect(pct(0.97974, 1, higher(0.98))).toBe('97.97%');
    expect(pct(0.97951, 1, higher(0.98))).toBe('97.95%');
    expect(pct(0.99996, 1, higher(1))).toBe('99.996%');
    expect(pct(0.0004, 1, lower(0))).toBe('0.04%');
    expect(fixedShort(3.04, 1, 3, false)).toBe('3.04');
    expect(fixedShort(9.9984, 2, 10)).toBe('9.998');
  });

  it('is cut toward its side when even four more decimals would round onto the goal', () => {
    expect(pct(0.99999999, 1, higher(1))).toBe('99.99999%');
    expect(fixedShort(0.000001, 1, 0, false)).toBe('0.00001');
  });

  it('takes binary noise within 1e-9 of the goal as reaching it, as the status rule does', () => {
    expect(fixedShort(9.999999999998, 2, 10)).toBe('10.00');
    expect(pct(0.29, 1, higher(0.29))).toBe('29.0%'); // 0.29 × 100 is 28.999999999999996
  });

  it('gives a dash for no value', () => {
    expect(pct(null, 1, higher(1))).toBe('—');
    expect(pct(Number.NaN)).toBe('—');
  });
});

describe('the site and the reports write indicator values and points by that rule', () => {
  it('from one module: the site\'s format.js hands on shared/format.js through its symbolic link', () => {
    expect(siteFormat.pct).toBe(pct);
    expect(siteFormat.fixedShort).toBe(fixedShort);
    expect(siteFormat.int).toBe(int);
    expect([int(12345), int(999), int(1234567), int(null)]).toEqual(['12,345', '999', '1,234,567', '—']);
    // the CLI too: a UTC instant and the warehouse's zone-less Shanghai wall time, both in Beijing time
    expect([dateTime('2026-01-04T16:10:00Z'), dateTime('2026-01-05 10:10:00'), dateTime(null)]).toEqual(['2026年1月5日 00:10', '2026年1月5日 10:10', '—']);
  });

  it('on the site', () => {
    expect(siteValue({ value: 0.9996, unit: '%', target: 1, direction: 'higher_better' })).toBe('99.96%');
    expect(siteValue({ value: 3.04, unit: '分钟', target: 3, direction: 'lower_better' })).toBe('3.04 分钟');
    expect(siteValue({ value: 2.5, unit: '分钟', target: 3, direction: 'lower_better' })).toBe('2.50 分钟');
    expect(siteValue({ value: 0.04, unit: '每万人', target: 0, direction: 'lower_better' })).toBe('0.04 起/万人');
    expect(siteValue({ value: 1.2, unit: '每万人', target: 0, direction: 'lower_better' })).toBe('1.20 起/万人');
    expect(siteValue({ value: 0.9996, unit: '是/否', target: 1, direction: 'higher_better' })).toBe('99.96%');
    expect(pointsOfMax({ points: 9.9984, max_points: 10 })).toBe('9.998 / 10');
    expect(pointsOfMax({ points: 10, max_points: 10 })).toBe('10.00 / 10');
  });

  it('the same way on a page and in a report, units as people say them', () => {
    for (const [value, unit, goal] of [[2.5, '分钟', lower(3)], [3.75, '每万人', lower(0)], [0.9996, '%', higher(1)], [0.5, '是/否', higher(1)], [12, '项', null]] as const) {
      expect(siteValue({ value, unit, ...goal })).toBe(reportValue(value, unit, goal));
    }
  });

  it('in the reports', () => {
    expect(reportValue(0.9996, '%', higher(1))).toBe('99.96%');
    expect(reportValue(1, '%')).toBe('100.0%');
    expect(reportValue(3.004, '分钟', lower(3))).toBe('3.004 分钟');
    expect(reportValue(0.004, '每万人', lower(0))).toBe('0.004 起/万人');
    expect(reportValue(85, '分')).toBe('85 分');
    expect(reportValue(2, '分钟', lower(3))).toBe('2 分钟');
    expect(pointsText(9.9984, 10)).toBe('9.998');
    expect(pointsText(null, 10)).toBe('—');
  });
});

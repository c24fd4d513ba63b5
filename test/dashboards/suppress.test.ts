import { describe, expect, it } from 'vitest';
import { SENSITIVE_CATEGORIES, suppressSmall } from '../../dashboards/lib/suppress.ts';

describe('suppressSmall (DOMAIN.md §6)', () => {
  it('publishes 1 and 2 as "<3", zero and 3 or more exactly', () => {
    expect([0, 1, 2, 3, 4, 17].map(suppressSmall)).toEqual([0, '<3', '<3', 3, 4, 17]);
  });

  it('refuses what is not a count', () => {
    expect(() => suppressSmall(-1)).toThrow(/non-negative integer/);
    expect(() => suppressSmall(1.5)).toThrow(/non-negative integer/);
  });

  it('covers the sensitive categories of DOMAIN.md §6', () => {
    expect(SENSITIVE_CATEGORIES).toEqual(['性侵害', '心理危机']);
  });
});

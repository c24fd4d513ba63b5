// The small-count rule (transforms/small-counts.ts, docs/privacy.md) on hand-checked tables.
import { describe, expect, it } from 'vitest';
import { protectCounts, SENSITIVE_CATEGORIES, suppressSmall, type Cell, type Relation } from '../../transforms/small-counts.ts';
import { publishCases, type CaseGroup } from '../../transforms/published-cases.ts';

/** A column of school cells and its published total: Σ schools = total. */
function column(values: number[], total: Partial<Cell> = {}): { cells: Cell[]; relations: Relation[] } {
  const cells: Cell[] = [...values.map((value, i) => ({ id: `s${i}`, value, sensitive: true })), { id: 'total', value: values.reduce((a, b) => a + b, 0), tier: 3, ...total }];
  return { cells, relations: [[['total', -1], ...values.map((_, i): [string, number] => [`s${i}`, 1])]] };
}

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

describe('protectCounts: complementary suppression', () => {
  it('withholds the total when two "<3" make it up (the issue’s 性侵害: 2 = 1 + 1)', () => {
    const { cells, relations } = column([1, 1, 0]);
    expect(Object.fromEntries(protectCounts(cells, relations))).toEqual({ s0: '<3', s1: '<3', s2: 0, total: '—' });
  });

  it('withholds the smallest other school first, and only one that leaves the "<3" open', () => {
    // 1 + 3 + 4 + 9 = 17: withholding the 3 leaves "<3" + "—"(≥3) = 4, so the "<3" is 1; the 4 beside it leaves 1..2 + two cells ≥3 = 8
    const { cells, relations } = column([1, 3, 4, 9]);
    expect(Object.fromEntries(protectCounts(cells, relations))).toEqual({ s0: '<3', s1: '—', s2: '—', s3: 9, total: 17 });
  });

  it('leaves a table without a "<3" alone, and a "<3" already covered by another', () => {
    expect(Object.fromEntries(protectCounts(...Object.values(column([0, 5, 3])) as [Cell[], Relation[]]))).toEqual({ s0: 0, s1: 5, s2: 3, total: 8 });
    expect(Object.fromEntries(protectCounts(...Object.values(column([1, 2, 7])) as [Cell[], Relation[]]))).toEqual({ s0: '<3', s1: '<3', s2: 7, total: 10 });
  });

  it('follows a total it withholds into the sums above it (school → county → city), the city’s total last', () => {
    // county A: 1 + 5 (the "<3" and a non-sensitive 5); county B: 4; the city 10
    const cells: Cell[] = [
      { id: 'a1', value: 1, sensitive: true },
      { id: 'a2', value: 5, tier: 1 },
      { id: 'b1', value: 4, tier: 1 },
      { id: 'A', value: 6, tier: 2 },
      { id: 'B', value: 4, tier: 2 },
      { id: 'city', value: 10, tier: 4 },
    ];
    const relations: Relation[] = [[['A', -1], ['a1', 1], ['a2', 1]], [['B', -1], ['b1', 1]], [['city', -1], ['A', 1], ['B', 1]]];
    // a2 withheld: A = "<3" + a2 (0 or more) leaves 1 and 2 open
    expect(Object.fromEntries(protectCounts(cells, relations))).toEqual({ a1: '<3', a2: '—', b1: 4, A: 6, B: 4, city: 10 });
    // with a2 ranked after the county totals, A goes first — but the city's 10 − B's 4 gives A back, so a2 follows
    const a2Last = cells.map((c) => (c.id === 'a2' ? { ...c, tier: 5 } : c));
    expect(Object.fromEntries(protectCounts(a2Last, relations))).toEqual({ a1: '<3', a2: '—', b1: 4, A: '—', B: 4, city: 10 });
    // a city whose one case is a school's 性侵害: the county, then the city's own total
    const single: Cell[] = [{ id: 'x', value: 1, sensitive: true }, { id: 'U', value: 1, tier: 2 }, { id: 'city', value: 1, tier: 4 }];
    expect(Object.fromEntries(protectCounts(single, [[['U', -1], ['x', 1]], [['city', -1], ['U', 1]]]))).toEqual({ x: '<3', U: '—', city: '—' });
  });

  it('says so when the cells do not add up or a relation names an unknown cell', () => {
    expect(() => protectCounts([{ id: 'x', value: 1 }, { id: 't', value: 2 }], [[['t', -1], ['x', 1]]])).toThrow(/do not add up/);
    expect(() => protectCounts([{ id: 'x', value: 1 }], [[['y', -1], ['x', 1]]])).toThrow(/unknown cell y/);
  });
});

describe('publishCases', () => {
  /** Seeded case groups of one period: ten schools in three units, sensitive and other categories, counts 1–4. */
  function groupsOf(seed: number): CaseGroup[] {
    let state = seed;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    const groups = new Map<string, CaseGroup>();
    for (let i = 0; i < 24; i++) {
      const school = next(10);
      const category = ['性侵害', '心理危机', '交通事故', '溺水'][next(4)];
      const severity = ['一般', '较大'][next(2)];
      const n = 1 + next(4);
      groups.set(`${school}|${category}|${severity}`, {
        period: '2025',
        school_code: `21410000${String(school).padStart(2, '0')}`,
        unit_code: ['411002', '411003', '411024'][school % 3],
        category,
        severity,
        severity_weight: severity === '一般' ? 1 : 3,
        n_cases: n,
        n_injured: next(2),
        n_deaths: 0,
        n_late_reported: next(2) ? 1 : 0,
      });
    }
    return [...groups.values()];
  }

  it('withholds the same cells whatever order the groups come in (a grouping query gives no order)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const groups = groupsOf(seed);
      const reversed = [...groups].reverse();
      const rotated = [...groups.slice(7), ...groups.slice(0, 7)];
      expect(publishCases(reversed), `seed ${seed}`).toEqual(publishCases(groups));
      expect(publishCases(rotated), `seed ${seed}`).toEqual(publishCases(groups));
    }
  });
});

/**
 * Exact arithmetic for the scoring oracle: fractions of BigInts, decimal literals read from
 * their digits (0.98 is 98/100, never a binary approximation), and rounding half up.
 */

export interface Fraction {
  n: bigint;
  /** Always positive. */
  d: bigint;
}

export const frac = (n: bigint | number, d: bigint | number = 1n): Fraction => {
  let [nn, dd] = [BigInt(n), BigInt(d)];
  if (dd === 0n) throw new Error('fraction with a zero denominator');
  if (dd < 0n) [nn, dd] = [-nn, -dd];
  return { n: nn, d: dd };
};

/** A JSON number as the exact decimal it spells. */
export function decimal(value: number): Fraction {
  const text = String(value);
  if (/e/i.test(text)) throw new Error(`cannot read ${text} as a decimal`);
  const [whole, fraction = ''] = text.split('.');
  return frac(BigInt(whole + fraction), 10n ** BigInt(fraction.length));
}

export const add = (a: Fraction, b: Fraction) => frac(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Fraction, b: Fraction) => frac(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Fraction, b: Fraction) => frac(a.n * b.n, a.d * b.d);
export const div = (a: Fraction, b: Fraction) => frac(a.n * b.d, a.d * b.n);
export const cmp = (a: Fraction, b: Fraction) => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
export const min = (a: Fraction, b: Fraction) => (cmp(a, b) <= 0 ? a : b);
export const max = (a: Fraction, b: Fraction) => (cmp(a, b) >= 0 ? a : b);
export const clamp01 = (a: Fraction) => max(frac(0), min(frac(1), a));
export const equal = (a: Fraction, b: Fraction) => cmp(a, b) === 0;

/** The nearest integer to a non-negative fraction, halves rounded up. */
export function roundHalfUp(a: Fraction): bigint {
  if (a.n < 0n) throw new Error('roundHalfUp is defined for non-negative values only');
  return (2n * a.n + a.d) / (2n * a.d);
}

/** The fraction rounded half up to `places` decimals, as an integer count of 10^-places. */
export const scaledHalfUp = (a: Fraction, places: number) => roundHalfUp(mul(a, frac(10n ** BigInt(places))));

/** The median of fractions: the middle one, or the mean of the two middle ones. */
export function median(values: Fraction[]): Fraction {
  const sorted = values.slice().sort(cmp);
  const lower = sorted[Math.floor((sorted.length - 1) / 2)];
  const upper = sorted[Math.floor(sorted.length / 2)];
  return div(add(lower, upper), frac(2));
}

export const toNumber = (a: Fraction) => Number(a.n) / Number(a.d);

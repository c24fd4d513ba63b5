import { expect } from 'vitest';

/**
 * Asserts that computed values match published ones to the published precision: a value
 * printed with `decimals` decimals is matched when it is within half a unit of its last
 * place (plus `slackUnits` whole units, for sources that rounded their intermediate steps).
 */
export function expectPublished(actual: readonly number[], published: readonly number[], decimals: number, slackUnits = 0): void {
  expect(actual).toHaveLength(published.length);
  const unit = 10 ** -decimals;
  const tolerance = unit * (0.5 + slackUnits) + 1e-12;
  actual.forEach((value, i) => {
    const gap = Math.abs(value - published[i]);
    if (gap > tolerance) {
      throw new Error(`value ${i + 1}: computed ${value} but the source publishes ${published[i]} (±${tolerance.toPrecision(2)})`);
    }
  });
}

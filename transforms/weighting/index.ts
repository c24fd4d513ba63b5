/** Weighting and ranking methods of DOMAIN.md §5: AHP, entropy weights, TOPSIS. */
export * from './common.ts';
export * from './ahp.ts';
export * from './entropy.ts';
export * from './topsis.ts';

// Small-count suppression for published school-level figures (DOMAIN.md §6): counts of the
// sensitive case categories (性侵害, 心理危机) and of deaths at a school are shown as "<3"
// when they are 1 or 2, so the exact small number never reaches a page or data file.
// Loaders apply it before writing JSON; zero and counts of 3 or more stay exact.

export const SENSITIVE_CATEGORIES: readonly string[] = ['性侵害', '心理危机'];

/** The published form of a sensitive school-level count: 1 and 2 become "<3". */
export function suppressSmall(count: number): number | '<3' {
  if (!Number.isInteger(count) || count < 0) throw new Error(`a count must be a non-negative integer, got ${count}`);
  return count > 0 && count < 3 ? '<3' : count;
}

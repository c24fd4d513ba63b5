/**
 * DOMAIN.md §6 on published reports: small counts of sensitive case categories (性侵害,
 * 心理危机) and of deaths are shown as "<3" (1 or 2; 0 stays 0); exact numbers stay in the
 * warehouse. Reports select no student field at all.
 */
export const SENSITIVE_CATEGORIES = ['性侵害', '心理危机'] as const;
export const SMALL_COUNT_LIMIT = 3;

export function isSensitiveCategory(category: string): boolean {
  return (SENSITIVE_CATEGORIES as readonly string[]).includes(category);
}

export function smallCount(n: number): number | string {
  return n > 0 && n < SMALL_COUNT_LIMIT ? `<${SMALL_COUNT_LIMIT}` : n;
}

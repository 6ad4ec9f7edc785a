/**
 * For sorting numbers highest first: -1, 1 or 0 (equal, or either NaN), never their difference.
 * A comparator that returns a fraction allocates it on the heap, once per comparison; the sorts
 * of a page's candidates run thousands of comparisons on every request.
 */
export const descending = (a: number, b: number): number => (a > b ? -1 : a < b ? 1 : 0);

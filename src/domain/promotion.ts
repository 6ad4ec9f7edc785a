/**
 * An admin's campaign for some titles ("Promoted: new season"): page construction places them in
 * the rows it allows, at or before a position, within a share of each row's slots, for viewers in
 * its countries during its window. It never overrides the maturity limit, a licence or a viewer's
 * thumbs down: a promoted title must be one the viewer could be offered anyway.
 */
export interface Promotion {
  id: string;
  /** Shown in the item's reason after "Promoted: ". */
  label: string;
  titleIds: string[];
  /** ISO 3166-1 alpha-2 codes, sorted; absent: every country. */
  countries?: string[];
  /** Epoch ms; the promotion runs from `from` (inclusive) to `until` (exclusive). */
  from: number;
  until: number;
  /** The row kinds its titles may enter (of src/pipeline/rows.ts), in the order tried. */
  rows: string[];
  /** A promoted title is placed at this position (0 first) or before, in the first allowed row the page has. */
  position: number;
  /** At most this share of a row's slots (rounded up) holds promoted titles. */
  maxShare: number;
  createdAt: number;
}

/** Whether the promotion runs for a viewer in `country` at `at`. */
export function promotionRuns(p: Promotion, country: string, at: number): boolean {
  return at >= p.from && at < p.until && (!p.countries || p.countries.includes(country));
}

/** Orders promotions oldest first, ties by id: the order stores answer in, and the order pages apply them. */
export const byCreation = (a: Promotion, b: Promotion) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

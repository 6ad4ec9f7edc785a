/**
 * How much the rows of served pages repeat each other: for every pair of rows on a page, the
 * share of the smaller row's titles the other row also holds, and for every title on a page, the
 * number of rows it appears in. Page construction bounds both (docs/ARCHITECTURE.md, "Page
 * construction"); this measures what pages actually show.
 */
export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface RowOverlapReport {
  pages: number;
  rows: number;
  /** Pairs of rows on one page, and the share of them sharing at least one title. */
  rowPairs: number;
  overlappingPairs: number;
  /** Over every pair of rows on a page: shared titles / titles of the smaller row (0..1). */
  pairOverlap: Distribution;
  /** Over every page: its most overlapping pair's share. */
  pageMaxOverlap: Distribution;
  /** Over every (page, title): the number of the page's rows the title appears in. */
  rowsPerTitle: Distribution;
  /** (page, title) occurrences by rows per title: `{ 1: n, 2: m, ... }`. */
  rowsPerTitleHistogram: Record<number, number>;
}

/** One row of a served page: `id` or `kind` names it (only for reading a report's source). */
export interface PageRow {
  id?: string;
  kind?: string;
  titleIds: readonly string[];
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    count: sorted.length,
    mean: round(sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.length === 0 ? 0 : sorted[sorted.length - 1]),
  };
}

/** Shared titles of two rows over the smaller row's length (a row's repeats of a title count once). */
export function rowOverlap(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  const smaller = Math.min(sa.size, sb.size);
  if (smaller === 0) return 0;
  let shared = 0;
  for (const id of sa) if (sb.has(id)) shared++;
  return shared / smaller;
}

/** Tallies the rows of served pages, one page at a time. */
export class RowOverlapTally {
  private readonly pairShares: number[] = [];
  private readonly pageMax: number[] = [];
  private readonly rowsPerTitle: number[] = [];
  private pages = 0;
  private rows = 0;

  addPage(rows: readonly PageRow[]): void {
    this.pages++;
    this.rows += rows.length;
    let max = 0;
    for (let i = 0; i < rows.length; i++)
      for (let j = i + 1; j < rows.length; j++) {
        const share = rowOverlap(rows[i].titleIds, rows[j].titleIds);
        this.pairShares.push(share);
        max = Math.max(max, share);
      }
    this.pageMax.push(max);
    const count = new Map<string, number>();
    for (const row of rows) for (const id of new Set(row.titleIds)) count.set(id, (count.get(id) ?? 0) + 1);
    for (const n of count.values()) this.rowsPerTitle.push(n);
  }

  report(): RowOverlapReport {
    const histogram: Record<number, number> = {};
    for (const n of this.rowsPerTitle) histogram[n] = (histogram[n] ?? 0) + 1;
    return {
      pages: this.pages,
      rows: this.rows,
      rowPairs: this.pairShares.length,
      overlappingPairs: this.pairShares.filter((s) => s > 0).length,
      pairOverlap: distribution(this.pairShares),
      pageMaxOverlap: distribution(this.pageMax),
      rowsPerTitle: distribution(this.rowsPerTitle),
      rowsPerTitleHistogram: histogram,
    };
  }
}

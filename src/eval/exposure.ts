/**
 * How evenly homepages spread attention over the catalog: the share of titles shown at all
 * (coverage) and the Gini coefficient of impressions per title (0: every title shown equally
 * often; 1: one title takes every impression). Feedback loops push both the wrong way: what is
 * shown gets played, what gets played is shown more.
 */
export interface ExposureReport {
  pages: number;
  impressions: number;
  titlesShown: number;
  coverage: number;
  gini: number;
}

/** Gini coefficient of non-negative counts (zeros included: a title never shown counts). */
export function gini(counts: readonly number[]): number {
  const sorted = [...counts].sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return 0;
  let weighted = 0;
  sorted.forEach((x, i) => (weighted += (2 * (i + 1) - n - 1) * x));
  return weighted / (n * total);
}

/** Counts the titles of served pages, one impression per title per page position. */
export class ExposureTally {
  private readonly counts = new Map<string, number>();
  private pages = 0;
  private impressions = 0;

  addPage(titleIds: readonly string[]): void {
    this.pages++;
    for (const id of titleIds) {
      this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
      this.impressions++;
    }
  }

  report(catalogSize: number): ExposureReport {
    const shown = [...this.counts.values()];
    const zeros = Math.max(0, catalogSize - shown.length);
    const round = (x: number) => Math.round(x * 10000) / 10000;
    return {
      pages: this.pages,
      impressions: this.impressions,
      titlesShown: shown.length,
      coverage: round(shown.length / catalogSize),
      gini: round(gini([...shown, ...new Array<number>(zeros).fill(0)])),
    };
  }
}

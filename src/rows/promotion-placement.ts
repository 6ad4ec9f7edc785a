import type { Promotion } from '../domain/promotion';
import type { RankedCandidate } from '../pipeline/candidates';
import type { RowItemPlan, RowPlan } from '../pipeline/rows';

/**
 * Places the running promotions' titles on a built page. Each promoted title goes into the first
 * row of the page whose kind the promotion allows and that still has room for promoted titles
 * (its `maxShare` of the row's slots, rounded up), at the promotion's position or before it (where
 * it already is, if that is earlier), and leaves the other rows, so a campaign takes one slot of a
 * page; the row keeps its length by giving up its last unpromoted title. Only titles among the
 * page's ranked candidates are placed: those passed the maturity limit, the licences, the
 * viewer's thumbs down and the request's filter like any other. The item's reason says it is
 * promoted, so explanations stay honest.
 */
export function placePromotions(rows: readonly RowPlan[], promotions: readonly Promotion[], ranked: readonly RankedCandidate[]): RowPlan[] {
  if (promotions.length === 0) return [...rows];
  const candidates = new Map(ranked.map((c) => [c.title.id, c]));
  const page = rows.map((r) => ({ ...r, items: [...r.items] }));
  const placed = new Set<string>();
  for (const p of promotions) {
    for (const titleId of p.titleIds) {
      const c = candidates.get(titleId);
      if (!c || placed.has(titleId)) continue;
      const row = page.find((r) => p.rows.includes(r.kind) && promotedIn(r) < Math.ceil(p.maxShare * r.items.length));
      if (!row) continue;
      const length = row.items.length;
      const at = row.items.findIndex((i) => i.title.id === titleId);
      const position = at >= 0 ? Math.min(at, p.position) : Math.min(p.position, length);
      for (const r of page) r.items = r.items.filter((i) => i.title.id !== titleId);
      row.items.splice(position, 0, promotedItem(c, p));
      if (row.items.length > length) {
        const last = row.items.findLastIndex((i) => i.promotion === undefined);
        row.items.splice(last, 1);
      }
      placed.add(titleId);
    }
  }
  return page.filter((r) => r.items.length > 0);
}

const promotedIn = (row: RowPlan) => row.items.filter((i) => i.promotion !== undefined).length;

function promotedItem(c: RankedCandidate, p: Promotion): RowItemPlan {
  return {
    title: c.title,
    reason: `Promoted: ${p.label}`,
    sources: [...c.sources.keys()],
    sourceScores: c.sources,
    utility: c.utility,
    heads: c.heads,
    explorationBonus: 0,
    promotion: p.id,
  };
}

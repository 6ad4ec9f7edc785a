import type { Promotion } from '../domain/promotion';
import type { RankedCandidate } from '../pipeline/candidates';
import { isOwnRow, type RowItemPlan, type RowPlan } from '../pipeline/rows';

/**
 * Places the running promotions' titles on a built page. Each promoted title goes into the first
 * row of the page whose kind the promotion allows and that still has room for promoted titles
 * (its `maxShare` of the row's slots, rounded up), and leaves the other rows, so a campaign takes
 * one slot of a page; the row keeps its length by giving up its last unpromoted title. A row's
 * promoted titles stand together, in promotion order, ending at the smallest position their
 * promotions name (from the row's start when there are more of them than that): each at its
 * position or before. Only titles among the page's ranked candidates are placed, and none the
 * viewer is resuming or keeps on My List (`own`: those rows are the viewer's). A title that joined
 * the candidates only for a promotion (no source found it) and found no room is taken off the
 * page: it was there for the campaign alone. The item's reason says it is promoted, so
 * explanations stay honest.
 */
export function placePromotions(
  rows: readonly RowPlan[],
  promotions: readonly Promotion[],
  ranked: readonly RankedCandidate[],
  own: ReadonlySet<string>,
): RowPlan[] {
  if (promotions.length === 0) return [...rows];
  const candidates = new Map(ranked.map((c) => [c.title.id, c]));
  const page = rows.map((r) => ({ ...r, items: [...r.items] }));
  // The viewer's own rows: a promotion neither enters them nor takes a title out of them.
  const promotable = page.filter((r) => !isOwnRow(r.kind));
  const placed = new Set<string>();
  const positions = new Map<RowPlan, number>();
  for (const p of promotions) {
    for (const titleId of p.titleIds) {
      const c = candidates.get(titleId);
      if (!c || placed.has(titleId) || own.has(titleId)) continue;
      const row = promotable.find((r) => p.rows.includes(r.kind) && promotedIn(r) < Math.ceil(p.maxShare * r.items.length));
      if (!row) {
        if (c.sources.size === 0) for (const r of promotable) r.items = r.items.filter((i) => i.title.id !== titleId);
        continue;
      }
      const length = row.items.length;
      for (const r of promotable) r.items = r.items.filter((i) => i.title.id !== titleId);
      row.items.push(promotedItem(c, p));
      if (row.items.length > length)
        row.items.splice(
          row.items.findLastIndex((i) => i.promotion === undefined),
          1,
        );
      positions.set(row, Math.min(positions.get(row) ?? Infinity, p.position));
      placed.add(titleId);
    }
  }
  for (const [row, end] of positions) {
    const promoted = row.items.filter((i) => i.promotion !== undefined);
    const others = row.items.filter((i) => i.promotion === undefined);
    const start = Math.max(0, Math.min(end, others.length) - promoted.length + 1);
    row.items = [...others.slice(0, start), ...promoted, ...others.slice(start)];
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

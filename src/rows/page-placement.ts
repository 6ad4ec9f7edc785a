import type { ViewingContext } from '../pipeline/viewing-context';
import type { RankedCandidate } from '../pipeline/candidates';
import type { DeviceLayout } from './device-layout';
import { explorationBonus, explorationScore, explorable, explorationSlots, takeRateUncertainty } from './exploration';
import { type TitleEvidence } from '../pipeline/stages';
import type { RowCandidate } from './row-candidates';
import { isOwnRow, type RowItemPlan, type RowKind, type RowPlan } from '../pipeline/rows';
import type { RowPlacement } from '../pipeline/treatment';
import { diversityFactor, MIN_ROW_VALUE, repeatFactor, rowDecay, rowFreshness, rowPrior, rowRelevance } from './row-scoring';
import { descending } from '../shared/compare';

export interface PlacementInputs {
  context: ViewingContext;
  layout: DeviceLayout;
  /** Share of each row's slots given to less-exposed titles (0 turns exploration off). */
  explorationShare: number;
  /** Times the viewer was shown a title lately. */
  timesShown(titleId: string): number;
  /** What all viewers were shown of a title lately, and played. */
  evidence(titleId: string): TitleEvidence;
  /** PERSONALIZED (the default): rows compete for each position; FIXED: rows go in FIXED_ROW_ORDER, the baseline an experiment compares with. */
  placement?: RowPlacement;
}

/** The editorial order of a page without row personalization; rows of one kind by their best titles' relevance. */
export const FIXED_ROW_ORDER: readonly RowKind[] = [
  'CONTINUE_WATCHING',
  'TOP_PICKS',
  'MY_LIST',
  'TRENDING',
  'NEW_RELEASES',
  'BECAUSE_YOU_WATCHED',
  'GENRE',
  'LANGUAGE',
  'CRITICALLY_ACCLAIMED',
  'SHORT_PICKS',
];

const NO_SLOTS: ReadonlySet<number> = new Set();

/**
 * How much the rows of one page may repeat each other (issue 19). Rows exist to offer different
 * things; a row that is half another row wastes its screen and reads as a broken page. So:
 * - no title twice within a screen (the rows one screen shows at once), and none of the first
 *   screen's titles anywhere below it: the first screen is what every visit sees;
 * - a title appears in at most MAX_ROWS_PER_TITLE rows of a page (a second row may offer it for
 *   another reason, e.g. "Trending" and "Because You Watched", a third says nothing new);
 * - two rows share at most MAX_SHARED_SHARE of the smaller row's titles (rounded down: 4 of 20 on
 *   a TV, 2 of a phone's 10, none between a row of 4 and any other).
 * A row gives up its repeats beyond the bound from its deepest places first and is filled up
 * from its pool's deeper candidates; a row left with fewer than the layout's minimum is dropped.
 * Rows kept apart score higher, so Continue Watching keeps at least the last row of a full page.
 */
export const MAX_ROWS_PER_TITLE = 2;
export const MAX_SHARED_SHARE = 0.2;

/** Titles two rows of `a` and `b` titles may share on one page (below the first screen). */
export const sharedTitlesAllowed = (a: number, b: number) => Math.floor(MAX_SHARED_SHARE * Math.min(a, b) + 1e-9);

interface FilledRow {
  items: RankedCandidate[];
  /** The items placed in exploration slots (a few a row). */
  explored: readonly RankedCandidate[];
}

/**
 * Greedy page construction. At each position, every remaining row is filled from its pool
 * (within the page's overlap bounds: no title the viewer already sees on the same screen or saw
 * on the first, none already in MAX_ROWS_PER_TITLE rows, and no more than MAX_SHARED_SHARE of
 * the smaller row shared with any row above) and scored as
 * prior · relevance of its visible titles · freshness · diversity (genres and titles) against
 * what is placed above; the best row takes the position. The page ends at the device's row count, or when the best
 * row's score discounted by its position is no longer worth the scroll.
 */
export function placeRows(candidates: readonly RowCandidate[], inputs: PlacementInputs): RowPlan[] {
  const { context, layout } = inputs;
  let bestUtility = 0;
  for (const row of candidates) for (const c of row.pool) bestUtility = Math.max(bestUtility, c.utility);
  // Rows are scored again at every position; a title's exposure is looked up once.
  const timesShown = memo((c: RankedCandidate) => inputs.timesShown(c.title.id));
  const explorationRank = memo((c: RankedCandidate) => explorationScore(c.utility, bestUtility, inputs.evidence(c.title.id)));
  // Each row's exploration candidates in preference order, sorted once: rows are filled again at every position.
  const explorers = new Map<RowCandidate, RankedCandidate[]>();
  const explorersOf = (row: RowCandidate) => {
    let list = explorers.get(row);
    if (!list) {
      list = row.pool
        .filter((c) => eligible.has(c.title.id))
        .map((c) => ({ c, rank: explorationRank(c) }))
        .sort((a, b) => descending(a.rank, b.rank) || (a.c.title.id < b.c.title.id ? -1 : 1))
        .map(({ c }) => c);
      explorers.set(row, list);
    }
    return list;
  };
  // Rows share most of their titles: each distinct title's evidence is looked up once.
  const uncertainty = new Map<string, number>();
  for (const row of candidates)
    for (const c of row.pool)
      if (!uncertainty.has(c.title.id)) uncertainty.set(c.title.id, takeRateUncertainty(inputs.evidence(c.title.id)));
  const eligible = explorable(uncertainty);
  // A small catalog (a young child's) would go whole into the first row and leave the screen's
  // other rows empty: rows are shortened so the first screen's rows can all be filled.
  const distinct = uncertainty.size;
  const rowLength = Math.min(layout.rowLength, Math.max(2 * layout.minItems, Math.ceil(distinct / layout.screenRows)));
  const slots = new Set(explorationSlots(rowLength, inputs.explorationShare));
  // No row can score more than its prior times the relevance of its pool's best titles: blocking
  // and exploration only replace them by worse ones. Rows are tried best bound first, so most are
  // never filled at a position where a better row has already been found.
  const bound = new Map(
    candidates.map((row) => [
      row,
      isOwnRow(row.kind)
        ? Infinity
        : rowPrior(row.kind, context) *
          (row.boost ?? 1) *
          rowRelevance(
            row.pool.slice(0, layout.visibleItems).map((c) => c.utility),
            layout.visibleItems,
            bestUtility,
          ),
    ]),
  );
  const fixed = inputs.placement === 'FIXED';
  const remaining = [...candidates].sort(
    (a, b) => (fixed ? FIXED_ROW_ORDER.indexOf(a.kind) - FIXED_ROW_ORDER.indexOf(b.kind) : 0) || descending(bound.get(a)!, bound.get(b)!),
  );
  const placed: { row: RowCandidate; filled: FilledRow; score: number }[] = [];
  const genresAbove = new Map<string, number>();
  const titlesAbove = new Set<string>();
  // The placed rows (by position) holding each title, and the titles already in as many rows as they may be.
  const rowsOfTitle = new Map<string, number[]>();
  const saturated = new Set<string>();
  let visibleAbove = 0;

  while (placed.length < layout.maxRows && remaining.length > 0) {
    const position = placed.length;
    const blocked = blockedTitles(
      placed.map((p) => p.filled.items),
      position,
      layout.screenRows,
    );
    for (const id of saturated) blocked.add(id);
    const sizes = placed.map((p) => p.filled.items.length);
    let best: { index: number; filled: FilledRow; score: number } | undefined;
    // The best of the rows read by memory that can be filled here, and how many of them can.
    let memory: typeof best;
    let memoryRows = 0;
    for (const [index, row] of remaining.entries()) {
      if (best && (fixed || bound.get(row)! <= best.score)) break;
      const filled = fillWithinBounds(
        (more) => fillRow(row, more, rowLength, isOwnRow(row.kind) ? NO_SLOTS : slots, explorersOf),
        blocked,
        rowsOfTitle,
        sizes,
      );
      if (filled.items.length < (isOwnRow(row.kind) ? 1 : layout.minItems)) continue;
      const visible = filled.items.slice(0, layout.visibleItems);
      // Resuming and the viewer's own list are never stale, never repetitive, and a short list of them is a complete one.
      const exempt = isOwnRow(row.kind);
      const score =
        rowPrior(row.kind, context) *
        (row.boost ?? 1) *
        rowRelevance(
          filled.items.map((c) => c.utility),
          exempt ? Math.min(layout.visibleItems, filled.items.length) : layout.visibleItems,
          bestUtility,
        ) *
        (exempt ? 1 : rowFreshness(visible.map(timesShown))) *
        (exempt
          ? 1
          : diversityFactor(
              visible.map((c) => c.title.genres[0]),
              genresAbove,
              visibleAbove,
            )) *
        (exempt ? 1 : repeatFactor(visible.filter((c) => titlesAbove.has(c.title.id)).length, visible.length));
      if (exempt) {
        memoryRows++;
        if (!memory || score > memory.score) memory = { index, filled, score };
      }
      if (!best || score > best.score) best = { index, filled, score };
    }
    // Continue Watching and My List (tried first: their bound is unlimited) do not lose the page's
    // last rows: rows kept apart by the overlap bounds score higher and would otherwise push them
    // off the page. Nor does a page end before them: a viewer looks for them whatever they score.
    // A fixed page ends only at the device's row count; a personalized one also when the next row is not worth the scroll.
    const endsHere = !best || (!fixed && best.score * rowDecay(position) < MIN_ROW_VALUE);
    if (memory && (position >= layout.maxRows - memoryRows || endsHere)) best = memory;
    else if (endsHere) break;
    if (!best) break;
    const [row] = remaining.splice(best.index, 1);
    placed.push({ row, filled: best.filled, score: best.score });
    for (const c of best.filled.items) {
      titlesAbove.add(c.title.id);
      const rows = rowsOfTitle.get(c.title.id) ?? [];
      rows.push(position);
      rowsOfTitle.set(c.title.id, rows);
      if (rows.length >= MAX_ROWS_PER_TITLE) saturated.add(c.title.id);
    }
    for (const c of best.filled.items.slice(0, layout.visibleItems)) {
      const g = c.title.genres[0];
      if (g) genresAbove.set(g, (genresAbove.get(g) ?? 0) + 1);
      visibleAbove++;
    }
  }
  return placed.map(({ row, filled, score }) => ({
    id: row.id,
    kind: row.kind,
    displayTitle: row.displayTitle,
    reason: row.reason,
    score,
    items: filled.items.map((c): RowItemPlan => {
      const explored = filled.explored.includes(c);
      const e = inputs.evidence(c.title.id);
      const item: RowItemPlan = {
        title: c.title,
        reason: explored
          ? `Exploring: shown ${e.impressions} times in 4 weeks, so we are still learning who likes it · ${row.itemReason(c)}`
          : row.itemReason(c),
        sources: [...c.sources.keys()],
        sourceScores: c.sources,
        utility: c.utility,
        heads: c.heads,
        explorationBonus: explored ? explorationBonus(e) : 0,
      };
      // An exploration slot's title was placed by neither ranker of an interleaving.
      if (row.teamOf?.has(c.title.id) && !explored) item.team = row.teamOf.get(c.title.id);
      return item;
    }),
  }));
}

/** Titles the row at `position` may not repeat: those on the first screen and on the screen it shares. */
function blockedTitles(rows: readonly RankedCandidate[][], position: number, screenRows: number): Set<string> {
  const blocked = new Set<string>();
  rows.forEach((items, r) => {
    if (r < screenRows || r > position - screenRows) for (const c of items) blocked.add(c.title.id);
  });
  return blocked;
}

interface TitleSet {
  has(titleId: string): boolean;
}

/**
 * Fills a row (`fill`, leaving out the titles it is given) so that it shares no more than
 * `sharedTitlesAllowed` titles with any placed row: repeats beyond a pair's bound are left out
 * from the row's deepest places up, and the row is filled again from its deeper candidates until
 * none is over (each round leaves out at least one more title, so it ends).
 */
function fillWithinBounds(
  fill: (blocked: TitleSet) => FilledRow,
  blocked: ReadonlySet<string>,
  rowsOfTitle: ReadonlyMap<string, readonly number[]>,
  sizes: readonly number[],
): FilledRow {
  let filled = fill(blocked);
  let excess = excessRepeats(filled.items, rowsOfTitle, sizes);
  if (!excess) return filled;
  const dropped = new Set<string>();
  const either: TitleSet = { has: (id) => blocked.has(id) || dropped.has(id) };
  while (excess) {
    for (const id of excess) dropped.add(id);
    filled = fill(either);
    excess = excessRepeats(filled.items, rowsOfTitle, sizes);
  }
  return filled;
}

/** The row's repeats over a pair's bound, counting from its first place (the best-placed repeats are kept); undefined when none is over. */
function excessRepeats(
  items: readonly RankedCandidate[],
  rowsOfTitle: ReadonlyMap<string, readonly number[]>,
  sizes: readonly number[],
): string[] | undefined {
  let shared: number[] | undefined;
  let excess: string[] | undefined;
  for (const c of items) {
    const rows = rowsOfTitle.get(c.title.id);
    if (!rows) continue;
    shared ??= new Array<number>(sizes.length).fill(0);
    let over = false;
    for (const r of rows) if (shared[r] >= sharedTitlesAllowed(items.length, sizes[r])) over = true;
    if (over) (excess ??= []).push(c.title.id);
    else for (const r of rows) shared[r]++;
  }
  return excess;
}

/**
 * The row's titles: its best-ranked titles, with `share` of the slots (spread along the row)
 * given to the less-exposed titles of its pool that score best on utility plus uncertainty.
 */
function fillRow(
  row: RowCandidate,
  blocked: TitleSet,
  length: number,
  slots: ReadonlySet<number>,
  explorersOf: (row: RowCandidate) => readonly RankedCandidate[],
): FilledRow {
  // The best-ranked open titles: enough for the exploited places and for any slot left unexplored.
  const open: RankedCandidate[] = [];
  for (const c of row.pool) {
    if (open.length === length + slots.size) break;
    if (!blocked.has(c.title.id)) open.push(c);
  }
  const exploitCount = length - slots.size;
  const explore: RankedCandidate[] = [];
  if (slots.size > 0) {
    // Searched rather than put in a set: a row's first places are a couple of dozen, and rows are filled again at every position.
    const exploited = (c: RankedCandidate) => {
      const at = open.indexOf(c);
      return at >= 0 && at < exploitCount;
    };
    for (const c of explorersOf(row)) {
      if (explore.length === slots.size) break;
      if (!blocked.has(c.title.id) && !exploited(c)) explore.push(c);
    }
  }
  // Slots no less-exposed title could fill go to the next best-ranked titles.
  const exploit = explore.length === 0 ? open : open.filter((c, i) => i < exploitCount || !explore.includes(c));
  const items: RankedCandidate[] = [];
  let e = 0;
  let x = 0;
  for (let position = 0; position < length; position++) {
    if (slots.has(position) && x < explore.length) items.push(explore[x++]);
    else if (e < exploit.length) items.push(exploit[e++]);
    else break;
  }
  return { items, explored: explore.slice(0, x) };
}

function memo<T>(f: (c: RankedCandidate) => T): (c: RankedCandidate) => T {
  const cache = new Map<string, T>();
  return (c) => {
    let v = cache.get(c.title.id);
    if (v === undefined) cache.set(c.title.id, (v = f(c)));
    return v;
  };
}

import type { SimilarEdge, Title } from '../domain/types';
import { CoWatch } from './co-watch';
import { ContentIndex } from './content-index';

export interface SimilarityOptions {
  /** SIMILAR_TO edges kept per title. */
  topK: number;
  /** Largest share co-watching can take of a score, reached when both titles have many viewers. */
  coWatchWeight: number;
  /** Viewers (of the less watched title) at which co-watching gets half of `coWatchWeight`. */
  coWatchSupport: number;
}

export const DEFAULT_SIMILARITY: SimilarityOptions = { topK: 50, coWatchWeight: 0.5, coWatchSupport: 20 };

/** Basis entries kept per edge: enough for a reason, small enough for a graph property. */
const BASIS_LENGTH = 8;

/**
 * Blends metadata similarity with co-watching cosine. Co-watching counts in proportion to the
 * viewing data behind it (a new title with no viewers is judged on metadata alone), and it only
 * raises a score: in sparse logs two titles' audiences rarely overlap whatever they are, so an
 * absent overlap is an absence of exposure more than evidence of difference.
 */
export function blendedScore(meta: number, together: number, viewersA: number, viewersB: number, o: SimilarityOptions): number {
  if (together === 0) return meta;
  const support = Math.min(viewersA, viewersB);
  const w = (o.coWatchWeight * support) / (support + o.coWatchSupport);
  const coCosine = together / Math.sqrt(viewersA * viewersB);
  return meta + w * Math.max(0, coCosine - meta);
}

/** Scores are rounded to 6 decimals: more digits are noise, and JSON answers stay short. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

const byScoreThenId = (a: SimilarEdge, b: SimilarEdge) => b.score - a.score || (a.to < b.to ? -1 : a.to > b.to ? 1 : 0);

/** The k best edges, best first: a numeric sort finds the cut-off, so only those near it are compared fully. */
function topK(edges: SimilarEdge[], k: number): SimilarEdge[] {
  if (edges.length > k) {
    const cutoff = Float64Array.from(edges, (e) => -e.score).sort()[k - 1];
    edges = edges.filter((e) => -e.score <= cutoff);
  }
  return edges.sort(byScoreThenId).slice(0, k);
}

/**
 * The whole SIMILAR_TO graph: for every title, its `topK` most similar titles by blended score.
 * Pure and deterministic for the same titles and plays.
 */
export function buildSimilarityGraph(
  titles: readonly Title[],
  plays: Iterable<{ profileId: string; titleId: string; occurredAt: number }>,
  options: SimilarityOptions = DEFAULT_SIMILARITY,
  onProgress?: (done: number, total: number) => void,
): SimilarEdge[] {
  const sorted = [...titles].sort((a, b) => (a.id < b.id ? -1 : 1));
  const index = new ContentIndex(sorted);
  const coWatch = CoWatch.from(plays);
  const edges: SimilarEdge[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i].id;
    const viewers = coWatch.viewersOf(from);
    const meta = index.similarities(from);
    const partners = coWatch.partners(from);
    const scored: SimilarEdge[] = [];
    const consider = (to: string, similarity: number) => {
      const score = round(blendedScore(similarity, partners.get(to) ?? 0, viewers, coWatch.viewersOf(to), options));
      if (score > 0) scored.push({ from, to, score, basis: [] });
    };
    for (const [position, similarity] of meta) consider(index.idAt(position), similarity);
    for (const to of partners.keys()) {
      const position = index.positionOf(to);
      if (position !== undefined && !meta.has(position)) consider(to, 0);
    }
    for (const edge of topK(scored, options.topK)) {
      const together = partners.get(edge.to) ?? 0;
      edge.basis = [...index.shared(from, edge.to).slice(0, BASIS_LENGTH), ...(together > 0 ? [`co-watch:${together}`] : [])];
      edges.push(edge);
    }
    if ((i + 1) % 250 === 0 || i === sorted.length - 1) onProgress?.(i + 1, sorted.length);
  }
  return edges;
}

/**
 * Content-based cold start: edges for a title not yet in `index` (so with no viewers), both
 * ways, so it has neighbours at once and shows up among its neighbours' similar titles.
 */
export function edgesForNewTitle(index: ContentIndex, title: Title, options: SimilarityOptions = DEFAULT_SIMILARITY): SimilarEdge[] {
  const scored = [...index.similaritiesFor(title)]
    .map(([position, similarity]) => ({ from: title.id, to: index.idAt(position), score: round(similarity), basis: [] as string[] }))
    .filter((e) => e.score > 0);
  const edges: SimilarEdge[] = [];
  for (const e of topK(scored, options.topK)) {
    const basis = index.shared(title, e.to).slice(0, BASIS_LENGTH);
    edges.push({ ...e, basis }, { from: e.to, to: title.id, score: e.score, basis });
  }
  return edges;
}

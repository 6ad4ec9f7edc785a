import type { Title } from '../../graph/types';
import type { RankedCandidate } from '../ranking/ranker';
import type { HeadProbabilities } from '../ranking/utility';
import type { CandidateSource, HomepageRequest } from '../retrieval/candidates';

export const ROW_KINDS = ['CONTINUE_WATCHING', 'TOP_PICKS', 'TRENDING', 'GENRE', 'NEW_RELEASES', 'CRITICALLY_ACCLAIMED'] as const;
export type RowKind = (typeof ROW_KINDS)[number];

export interface RowItemPlan {
  title: Title;
  reason: string;
  sources: CandidateSource[];
  sourceScores: Map<CandidateSource, number>;
  utility: number;
  heads?: HeadProbabilities;
}

export interface RowPlan {
  id: string;
  kind: RowKind;
  displayTitle: string;
  reason: string;
  items: RowItemPlan[];
}

/** The page-construction stage: which rows, in what order, holding which ranked titles. */
export interface RowBuilder {
  build(req: HomepageRequest, ranked: readonly RankedCandidate[]): RowPlan[];
}

/** Why one title sits in one row, in words a viewer would accept. */
export function itemReason(kind: RowKind, c: RankedCandidate, req: HomepageRequest, genre?: string): string {
  const state = req.signals.inProgress.find((w) => w.titleId === c.title.id);
  if (kind === 'CONTINUE_WATCHING' && state) return `You are ${Math.round(state.progress * 100)}% through`;
  if (genre) return `${genre}${req.signals.genreAffinity.has(genre) ? ', a genre you watch' : ''}`;
  if (kind === 'NEW_RELEASES') return `New on the service`;
  if (kind === 'CRITICALLY_ACCLAIMED') return `Critics rate it ${c.title.criticScore}/100`;
  const liked = c.title.genres.filter((g) => req.signals.genreAffinity.has(g));
  if (liked.length > 0) return `Matches your taste for ${liked.slice(0, 2).join(' and ')}`;
  const plays = req.catalog.popularity(c.title.id);
  return plays > 0 ? `Popular right now: ${plays} recent plays` : `Picked for variety`;
}

export const toItem = (kind: RowKind, req: HomepageRequest, genre?: string) => (c: RankedCandidate): RowItemPlan => ({
  title: c.title,
  reason: itemReason(kind, c, req, genre),
  sources: [...c.sources.keys()],
  sourceScores: c.sources,
  utility: c.utility,
  heads: c.heads,
});

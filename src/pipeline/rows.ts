import type { Title } from '../domain/types';
import type { CandidateSource, RankedCandidate } from './candidates';
import type { HeadProbabilities } from './utility';

export const ROW_KINDS = [
  'CONTINUE_WATCHING',
  'MY_LIST',
  'TOP_PICKS',
  'BECAUSE_YOU_WATCHED',
  'TRENDING',
  'NEW_RELEASES',
  'GENRE',
  'LANGUAGE',
  'CRITICALLY_ACCLAIMED',
  'SHORT_PICKS',
] as const;
export type RowKind = (typeof ROW_KINDS)[number];

/** Rows a promotion may place titles in: every row but the viewer's own (Continue Watching, My List). */
export const PROMOTABLE_ROWS = ROW_KINDS.filter(
  (k): k is Exclude<RowKind, 'CONTINUE_WATCHING' | 'MY_LIST'> => k !== 'CONTINUE_WATCHING' && k !== 'MY_LIST',
) as [Exclude<RowKind, 'CONTINUE_WATCHING' | 'MY_LIST'>, ...Exclude<RowKind, 'CONTINUE_WATCHING' | 'MY_LIST'>[]];

export interface RowItemPlan {
  title: Title;
  reason: string;
  sources: CandidateSource[];
  sourceScores: Map<CandidateSource, number>;
  utility: number;
  heads?: HeadProbabilities;
  /** The uncertainty bonus that put the title in an exploration slot; 0 for exploited items. */
  explorationBonus: number;
  /** In an interleaving experiment's Top Picks: the variant (ranker) that placed the title. */
  team?: string;
  /** The promotion that placed the title here (src/rows/promotion-placement.ts). */
  promotion?: string;
}

export interface RowPlan {
  id: string;
  kind: RowKind;
  displayTitle: string;
  reason: string;
  /** The placement score that won the row its position (relevance · prior · freshness · diversity). */
  score: number;
  items: RowItemPlan[];
}

/** Top Picks of an interleaving experiment: the merged order, and which ranker placed each of its first titles (by title id). */
export interface InterleavedPicks {
  order: RankedCandidate[];
  teamOf: ReadonlyMap<string, string>;
}

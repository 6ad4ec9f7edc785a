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

/** The rows a viewer reads by memory, in its own order: what it is resuming and what it listed. */
const OWN_ROWS = ['CONTINUE_WATCHING', 'MY_LIST'] as const;
type OwnRow = (typeof OWN_ROWS)[number];

/** Whether a row is the viewer's own: no exploration slots, judged by what it holds only, and out of a promotion's reach. */
export const isOwnRow = (kind: RowKind): kind is OwnRow => (OWN_ROWS as readonly RowKind[]).includes(kind);

/** Rows a promotion may place titles in: every row but the viewer's own. */
export const PROMOTABLE_ROWS = ROW_KINDS.filter((k): k is Exclude<RowKind, OwnRow> => !isOwnRow(k)) as [
  Exclude<RowKind, OwnRow>,
  ...Exclude<RowKind, OwnRow>[],
];

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

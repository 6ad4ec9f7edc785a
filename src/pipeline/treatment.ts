import type { CandidateSource } from './candidate-sources';
import type { UtilityWeights } from './utility';

/** The rankers an experiment can name besides the trained one. */
export const BASELINE_RANKERS = ['HEURISTIC', 'POPULARITY', 'RANDOM'] as const;
export type BaselineRanker = (typeof BASELINE_RANKERS)[number];

/** Which ranker orders the candidates, and by what utility weights. */
export interface RankerSettings {
  /**
   * TRAINED: the model bundle's multi-task ranker; HEURISTIC: the model-free ranker it falls back
   * to; POPULARITY: four-week plays; RANDOM: a random order (a planted bad treatment).
   */
  model: 'TRAINED' | BaselineRanker;
  /** Overrides the configured utility weights (TRAINED only: the others have no heads to weigh). */
  utility?: UtilityWeights;
}

/** The retrieval stage's sources: some switched off, some with another quota. */
export interface SourceSettings {
  off: CandidateSource[];
  quotas: Partial<Record<CandidateSource, number>>;
}

export const ROW_PLACEMENTS = ['PERSONALIZED', 'FIXED'] as const;
export type RowPlacement = (typeof ROW_PLACEMENTS)[number];

export const ARTWORK_POLICIES = ['THOMPSON', 'RANDOM', 'BEST'] as const;
export type ArtworkPolicy = (typeof ARTWORK_POLICIES)[number];

/** Two rankers whose Top Picks are merged by team draft; plays credit the team that placed the title. */
export interface InterleavingSettings {
  experimentId: string;
  teams: [{ name: string; ranker: RankerSettings }, { name: string; ranker: RankerSettings }];
  /** Seeds the draft's coin flips, so one unit sees one merged order for a day (a page rebuilt is the same page). */
  seed: string;
}

/**
 * What the experiments a page is built under change in the pipeline (src/experiments/levers.ts
 * turns variants into it). Each stage reads its own part; an absent part means the product's
 * defaults, so a page in no experiment has an empty treatment.
 */
export interface Treatment {
  ranker?: RankerSettings;
  sources?: SourceSettings;
  explorationShare?: number;
  rowPlacement?: RowPlacement;
  artwork?: ArtworkPolicy;
  /** False: no promotion places titles on the page (the PROMOTIONS lever's "off" variant). */
  promotions?: boolean;
  interleaving?: InterleavingSettings;
}

/**
 * The stage interfaces of the homepage pipeline: retrieval → ranking → rows → artwork. Each stage
 * module implements one of them; the homepage service only wires them (src/homepage/homepage-service.ts).
 */
import type { Artwork, ImpressionEvent, MaturityTier, PlaybackEvent, SimilarEdge, Title } from '../domain/types';
import type { Candidate, CandidateSource, RankedCandidate, SourcedTitle } from './candidates';
import type { HomepageRequest } from './request';
import type { InterleavedPicks, RowPlan } from './rows';
import type { UtilityWeights } from './utility';

// Retrieval.

/** One way of finding candidates. Must respect the profile's maturity limit itself. */
export interface CandidateSourceProvider {
  readonly source: CandidateSource;
  candidates(req: HomepageRequest, limit: number): SourcedTitle[] | Promise<SourcedTitle[]>;
}

/** The recall stage: from the whole catalog to a few hundred tagged candidates. */
export interface CandidateGenerator {
  generate(req: HomepageRequest): Promise<Candidate[]>;
}

// Ranking.

/** The ranking stage: orders one request's candidates by expected value to the viewer. */
export interface Ranker {
  /** `weights` overrides the configured utility weights (an experiment's variant). */
  rank(req: HomepageRequest, candidates: readonly Candidate[], weights?: UtilityWeights): Promise<RankedCandidate[]>;
}

// Page construction.

/** The page-construction stage: which rows, in what order, holding which ranked titles. */
export interface RowBuilder {
  /** `picks`: Top Picks merged from two rankers (an interleaving experiment), in place of the ranked order. */
  build(req: HomepageRequest, ranked: readonly RankedCandidate[], picks?: InterleavedPicks): Promise<RowPlan[]>;
}

// Artwork.

/** A chosen variant, with why it was chosen (for the API's reasons). */
export interface ChosenArtwork extends Artwork {
  reason: string;
  kind: ChoiceKind;
}

/** The artwork stage: one variant per title shown on this page. */
export interface ArtworkSelector {
  choose(req: HomepageRequest, titles: readonly Title[]): Promise<Map<string, ChosenArtwork>>;
}

/** What the write path tells the bandit about events the store accepted. */
export interface ArtworkFeedback {
  noteImpressions(events: readonly ImpressionEvent[], titleOf: (id: string) => Title | undefined): void;
  notePlays(events: readonly PlaybackEvent[]): Promise<void>;
  /** After an erasure: reads the profile's (now empty) counters and those of the titles it was shown again. */
  forgetProfile(profileId: string, titleIds: readonly string[]): Promise<void>;
}

/**
 * How the artwork was chosen: by the bandit (the only variant, the profile's theme, the variant's
 * own record, exploration, or no evidence), or by an experiment's baseline policy (uniformly at
 * random, or the variant with the best take rate over all viewers).
 */
export type ChoiceKind = 'only' | 'theme' | 'variant' | 'explore' | 'even' | 'random' | 'best';

// What the stages read of services beside them (wired in src/server/services.ts).

/** The title's SIMILAR_TO neighbours within a maturity tier, best first (the similarity graph). */
export type NeighbourLookup = (titleId: string, limit: number, maxTier: MaturityTier) => Promise<SimilarEdge[]>;

/** How often a profile was shown a title lately (the feature store's exposure history): page construction freshens rows with it. */
export interface Exposure {
  /** Times the title was shown to the profile within the lookback. */
  shown: number;
  /** Whole days since it was last shown (the lookback + 1 when never). */
  daysSinceShown: number;
}

/** What the service has shown of a title lately, across all viewers. */
export interface TitleEvidence {
  impressions: number;
}

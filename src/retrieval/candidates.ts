import type { Account, Profile, Title } from '../../graph/types';
import type { CatalogIndex } from '../catalog/catalog-index';
import type { ProfileSignals } from '../homepage/profile-signals';
import type { ViewingContext } from '../homepage/viewing-context';

/** Where a candidate came from; every candidate carries all sources that found it. */
export const CANDIDATE_SOURCES = ['CONTINUE_WATCHING', 'POPULAR', 'GENRE_AFFINITY', 'NEW_RELEASES', 'ACCLAIMED'] as const;
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number];

/** Everything a stage may look at for one homepage request. */
export interface HomepageRequest {
  profile: Profile;
  account: Account;
  context: ViewingContext;
  signals: ProfileSignals;
  catalog: CatalogIndex;
}

export interface Candidate {
  title: Title;
  /** Score each source gave it (higher is better; scales differ between sources). */
  sources: Map<CandidateSource, number>;
}

/** One way of finding candidates. Must respect the profile's maturity limit itself. */
export interface CandidateSourceProvider {
  readonly source: CandidateSource;
  candidates(req: HomepageRequest, limit: number): { title: Title; score: number }[];
}

/** The recall stage: from the whole catalog to a few hundred tagged candidates. */
export interface CandidateGenerator {
  generate(req: HomepageRequest): Candidate[];
}

/** Unions several sources, each with its own quota, de-duplicating by title. */
export class UnionCandidateGenerator implements CandidateGenerator {
  constructor(private readonly providers: readonly { provider: CandidateSourceProvider; quota: number }[]) {}

  generate(req: HomepageRequest): Candidate[] {
    const merged = new Map<string, Candidate>();
    for (const { provider, quota } of this.providers) {
      for (const { title, score } of provider.candidates(req, quota)) {
        const found = merged.get(title.id) ?? { title, sources: new Map() };
        found.sources.set(provider.source, score);
        merged.set(title.id, found);
      }
    }
    return [...merged.values()];
  }
}

import { allowedFor, type Account, type Profile, type Title } from '../../graph/types';
import type { CatalogIndex } from '../catalog/catalog-index';
import type { ProfileSignals } from '../homepage/profile-signals';
import type { ViewingContext } from '../homepage/viewing-context';

/** Where a candidate came from; every candidate carries all sources that found it. */
export const CANDIDATE_SOURCES = [
  'CONTINUE_WATCHING', 'COLLABORATIVE', 'CONTENT', 'TRENDING', 'POPULAR_IN_SEGMENT', 'NEW_RELEASES', 'ACCLAIMED',
] as const;
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

export interface SourcedTitle {
  title: Title;
  score: number;
}

/** One way of finding candidates. Must respect the profile's maturity limit itself. */
export interface CandidateSourceProvider {
  readonly source: CandidateSource;
  candidates(req: HomepageRequest, limit: number): SourcedTitle[] | Promise<SourcedTitle[]>;
}

/** The recall stage: from the whole catalog to a few hundred tagged candidates. */
export interface CandidateGenerator {
  generate(req: HomepageRequest): Promise<Candidate[]>;
}

/** Titles a source may propose: allowed for the profile, not finished, already released. */
export function proposable(req: HomepageRequest): (t: Title) => boolean {
  return (t) => allowedFor(req.profile.maturityLimit, t.maturityTier) && !req.signals.completed.has(t.id) && t.addedAt <= req.context.now;
}

/** Unions several sources, each with its own quota, de-duplicating by title. */
export class UnionCandidateGenerator implements CandidateGenerator {
  constructor(private readonly providers: readonly { provider: CandidateSourceProvider; quota: number }[]) {}

  /** One source alone with its own quota: how offline evaluation measures a source. */
  only(source: CandidateSource, quota: number): UnionCandidateGenerator {
    return new UnionCandidateGenerator(this.providers.filter((p) => p.provider.source === source).map((p) => ({ provider: p.provider, quota })));
  }

  async generate(req: HomepageRequest): Promise<Candidate[]> {
    const found = await Promise.all(this.providers.map(({ provider, quota }) => provider.candidates(req, quota)));
    const merged = new Map<string, Candidate>();
    for (const [i, { provider }] of this.providers.entries()) {
      for (const { title, score } of found[i]) {
        const found = merged.get(title.id) ?? { title, sources: new Map() };
        found.sources.set(provider.source, score);
        merged.set(title.id, found);
      }
    }
    return [...merged.values()];
  }
}

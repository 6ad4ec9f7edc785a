import { allowedFor, type Account, type Profile, type Title } from '../domain/types';
import type { CatalogIndex } from './catalog-index';
import type { ProfileSignals } from './profile-signals';
import type { ViewingContext } from './viewing-context';

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

export interface SourceQuota {
  provider: CandidateSourceProvider;
  quota: number;
  /** The source that fills what the others leave of the union's size, after them. */
  fill?: boolean;
}

/**
 * Unions several sources, each with its own quota, de-duplicating by title; a `fill` source
 * then tops the union up to `size`. Every candidate keeps the score of every source that found it.
 */
export class UnionCandidateGenerator implements CandidateGenerator {
  constructor(private readonly providers: readonly SourceQuota[], readonly size = 300) {}

  /** One source alone with its own quota: how offline evaluation measures a source. */
  only(source: CandidateSource, quota: number): UnionCandidateGenerator {
    return new UnionCandidateGenerator(this.providers.filter((p) => p.provider.source === source).map((p) => ({ provider: p.provider, quota })), quota);
  }

  async generate(req: HomepageRequest): Promise<Candidate[]> {
    const ordered = [...this.providers.filter((p) => !p.fill), ...this.providers.filter((p) => p.fill)];
    const found = await Promise.all(ordered.map(({ provider, quota, fill }) => provider.candidates(req, fill ? this.size : quota)));
    const merged = new Map<string, Candidate>();
    for (const [i, { provider, fill }] of ordered.entries()) {
      for (const { title, score } of found[i]) {
        const known = merged.get(title.id);
        if (!known && fill && merged.size >= this.size) continue;
        const candidate = known ?? { title, sources: new Map() };
        candidate.sources.set(provider.source, score);
        merged.set(title.id, candidate);
      }
    }
    return [...merged.values()];
  }
}

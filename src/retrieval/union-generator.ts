import type { Candidate, CandidateSource } from '../pipeline/candidates';
import type { CandidateSourceProvider, CandidateGenerator } from '../pipeline/stages';
import type { HomepageRequest } from '../pipeline/request';

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
  constructor(
    private readonly providers: readonly SourceQuota[],
    readonly size = 300,
  ) {}

  /** One source alone with its own quota: how offline evaluation measures a source. */
  only(source: CandidateSource, quota: number): UnionCandidateGenerator {
    return new UnionCandidateGenerator(
      this.providers.filter((p) => p.provider.source === source).map((p) => ({ provider: p.provider, quota })),
      quota,
    );
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

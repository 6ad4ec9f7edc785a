import type { Candidate, CandidateSource } from '../pipeline/candidates';
import type { CandidateSourceProvider, CandidateGenerator } from '../pipeline/stages';
import type { HomepageRequest } from '../pipeline/request';
import type { SourceSettings } from '../pipeline/treatment';

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
    // A source with no slots is not asked at all (an ANN search for 0 neighbours is not a question).
    const ordered = this.treated(req.treatment?.sources).filter((p) => p.quota > 0);
    const found = await Promise.all(ordered.map(({ provider, quota }) => provider.candidates(req, quota)));
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

  /**
   * The sources in the order they fill the union, less those an experiment switched off, each
   * with the number it is asked for: its quota (or the experiment's), the union's size for a fill source.
   */
  private treated(settings?: SourceSettings): SourceQuota[] {
    const on = settings ? this.providers.filter((p) => !settings.off.includes(p.provider.source)) : this.providers;
    const quota = (p: SourceQuota) => settings?.quotas[p.provider.source] ?? (p.fill ? this.size : p.quota);
    return [
      ...on.filter((p) => !p.fill).map((p) => ({ ...p, quota: quota(p) })),
      ...on.filter((p) => p.fill).map((p) => ({ ...p, quota: quota(p) })),
    ];
  }
}

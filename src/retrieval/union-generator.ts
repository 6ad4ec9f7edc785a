import type { Candidate, CandidateSource } from '../pipeline/candidates';
import type { CandidateSourceProvider, CandidateGenerator } from '../pipeline/stages';
import type { HomepageRequest } from '../pipeline/request';
import type { SourceSettings } from '../pipeline/treatment';

export interface SourceEntry {
  provider: CandidateSourceProvider;
  /** How many titles the source proposes. */
  quota: number;
  /**
   * The weight of the source's reciprocal rank in the fused order. Absent: a reserved source,
   * whose proposals are all kept. Zero: the source is not asked.
   */
  weight?: number;
}

/**
 * The reciprocal-rank constant of Cormack et al. (2009): a title's share from one source is
 * weight / (FUSION_K + rank), so the top few of a list are not worth many times the next.
 */
export const FUSION_K = 60;

/**
 * Unions several sources into `size` candidates, de-duplicating by title: every proposal of a
 * reserved source is kept, and the remaining places go to the fused sources' titles by
 * weighted reciprocal-rank fusion (Σ weight / (FUSION_K + rank) over the sources that found
 * the title; ties by title id). A title several sources agree on beats one that only a single
 * source ranks a little higher, which is how the union recalls more than its best source.
 * Every candidate keeps the score of every source that found it.
 */
export class UnionCandidateGenerator implements CandidateGenerator {
  constructor(
    private readonly sources: readonly SourceEntry[],
    readonly size: number,
  ) {}

  /** One source alone asked for `quota` titles: how offline evaluation measures a source. */
  only(source: CandidateSource, quota: number): UnionCandidateGenerator {
    return new UnionCandidateGenerator(
      this.sources.filter((s) => s.provider.source === source).map((s) => ({ provider: s.provider, quota, weight: 1 })),
      quota,
    );
  }

  async generate(req: HomepageRequest): Promise<Candidate[]> {
    // A source with no slots or no weight is not asked at all (an ANN search for 0 neighbours is not a question).
    const asked = this.treated(req.treatment?.sources).filter((s) => s.quota > 0 && s.weight !== 0);
    const found = await Promise.all(asked.map(({ provider, quota }) => provider.candidates(req, quota)));
    const merged = new Map<string, Candidate>();
    const reserved: Candidate[] = [];
    const fused = new Map<Candidate, number>();
    for (const [i, { provider, weight }] of asked.entries()) {
      for (const [rank, { title, score }] of found[i].entries()) {
        let candidate = merged.get(title.id);
        if (!candidate) merged.set(title.id, (candidate = { title, sources: new Map() }));
        candidate.sources.set(provider.source, score);
        if (weight === undefined) reserved.push(candidate);
        else fused.set(candidate, (fused.get(candidate) ?? 0) + weight / (FUSION_K + rank + 1));
      }
    }
    const kept = new Set(reserved);
    const ranked = [...fused.entries()].filter(([c]) => !kept.has(c)).sort(([a, x], [b, y]) => y - x || (a.title.id < b.title.id ? -1 : 1));
    for (const [c] of ranked.slice(0, Math.max(0, this.size - kept.size))) kept.add(c);
    return [...kept];
  }

  /** The sources less those an experiment switched off, each with its quota or the experiment's. */
  private treated(settings?: SourceSettings): SourceEntry[] {
    if (!settings) return [...this.sources];
    return this.sources
      .filter((s) => !settings.off.includes(s.provider.source))
      .map((s) => ({ ...s, quota: settings.quotas[s.provider.source] ?? s.quota }));
  }
}

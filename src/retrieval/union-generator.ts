import type { Candidate, CandidateSource } from '../pipeline/candidates';
import type { CandidateSourceProvider, CandidateGenerator } from '../pipeline/stages';
import type { HomepageRequest } from '../pipeline/request';
import type { SourceSettings } from '../pipeline/treatment';

export interface SourceEntry {
  provider: CandidateSourceProvider;
  /** How many of its first proposals are kept whatever the fusion decides. */
  floor: number;
  /** The weight of its reciprocal rank in the fused order; 0: it proposes its floor only. */
  weight: number;
  /** How many it proposes when weighted. */
  depth: number;
}

/**
 * The reciprocal-rank constant of Cormack et al. (2009): a title's share from one source is
 * weight / (FUSION_K + rank), so the top few of a list are not worth many times the next.
 */
export const FUSION_K = 60;

/**
 * Unions several sources, de-duplicating by title: every source's floor is kept, and `size`
 * more places go to the weighted sources' other titles by weighted reciprocal-rank fusion
 * (Σ weight / (FUSION_K + rank) over the sources that found the title; ties by title id). A title
 * several sources agree on beats one that a single source ranks a little higher, which is how a
 * union can recall more than its best source. Every candidate keeps the score of every source
 * that found it.
 */
export class UnionCandidateGenerator implements CandidateGenerator {
  constructor(
    private readonly sources: readonly SourceEntry[],
    readonly size: number,
  ) {}

  /** One source alone, its first `quota` titles: how offline evaluation measures a source. */
  only(source: CandidateSource, quota: number): UnionCandidateGenerator {
    return new UnionCandidateGenerator(
      this.sources.filter((s) => s.provider.source === source).map((s) => ({ provider: s.provider, floor: 0, weight: 1, depth: quota })),
      quota,
    );
  }

  async generate(req: HomepageRequest): Promise<Candidate[]> {
    // A source with nothing to propose is not asked at all (an ANN search for 0 neighbours is not a question).
    const asked = this.treated(req.treatment?.sources)
      .map((s) => ({ ...s, ask: s.weight > 0 ? Math.max(s.depth, s.floor) : s.floor }))
      .filter((s) => s.ask > 0);
    const found = await Promise.all(asked.map(({ provider, ask }) => provider.candidates(req, ask)));
    // Each distinct title gets an index on first sight; what the fusion knows of it is kept in
    // arrays by that index rather than in sets and maps of candidates: a few hundred titles a source, every page.
    const merged = new Map<string, number>();
    const candidates: Candidate[] = [];
    const total = found.reduce((n, list) => n + list.length, 0);
    // A title's fused share; positive exactly when a weighted source found it.
    const shares = new Float64Array(total);
    const isKept = new Uint8Array(total);
    const kept: Candidate[] = [];
    for (let i = 0; i < asked.length; i++) {
      const { provider, floor, weight } = asked[i];
      const list = found[i];
      for (let rank = 0; rank < list.length; rank++) {
        const { title, score } = list[rank];
        let at = merged.get(title.id);
        if (at === undefined) {
          merged.set(title.id, (at = candidates.length));
          candidates.push({ title, sources: new Map() });
        }
        candidates[at].sources.set(provider.source, score);
        if (rank < floor && !isKept[at]) {
          isKept[at] = 1;
          kept.push(candidates[at]);
        }
        if (weight > 0) shares[at] += weight / (FUSION_K + rank + 1);
      }
    }
    const pool: number[] = [];
    for (let at = 0; at < candidates.length; at++) if (shares[at] > 0 && !isKept[at]) pool.push(at);
    // Shares, then ids: a total order, so the fused order does not depend on the order found.
    pool.sort((a, b) =>
      shares[a] > shares[b] ? -1 : shares[a] < shares[b] ? 1 : candidates[a].title.id < candidates[b].title.id ? -1 : 1,
    );
    for (let k = 0; k < pool.length && k < this.size; k++) kept.push(candidates[pool[k]]);
    return kept;
  }

  /**
   * The sources less those an experiment switched off; a quota an experiment gives a source
   * caps what it proposes, its floor included.
   */
  private treated(settings?: SourceSettings): SourceEntry[] {
    if (!settings) return [...this.sources];
    return this.sources
      .filter((s) => !settings.off.includes(s.provider.source))
      .map((s) => {
        const quota = settings.quotas[s.provider.source];
        return quota === undefined ? s : { ...s, depth: quota, floor: Math.min(s.floor, quota) };
      });
  }
}

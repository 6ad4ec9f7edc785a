import type { Title } from '../../src/domain/types';
import type { CandidateSource } from '../../src/pipeline/candidates';
import type { HomepageRequest } from '../../src/pipeline/request';
import type { CandidateSourceProvider } from '../../src/pipeline/stages';
import { UnionCandidateGenerator, type SourceEntry } from '../../src/retrieval/union-generator';

const title = (id: string) => ({ id }) as Title;

/** A source that proposes the given ids in order (scores falling), and records how many it was asked for. */
function listing(source: CandidateSource, ids: string[], asked: number[] = []): CandidateSourceProvider {
  return {
    source,
    candidates: (_req, limit) => {
      asked.push(limit);
      return ids.slice(0, limit).map((id, i) => ({ title: title(id), score: 1 - i / 100 }));
    },
  };
}

const req = (treatment?: HomepageRequest['treatment']) => ({ treatment }) as HomepageRequest;
const ids = async (g: UnionCandidateGenerator, r = req()) => (await g.generate(r)).map((c) => c.title.id);

const fused = (provider: CandidateSourceProvider, weight: number, floor = 0): SourceEntry => ({ provider, floor, weight, depth: 300 });

describe('the fused union of candidate sources', () => {
  it("keeps every source's floor and fills the fused places by weighted reciprocal rank, agreement first", async () => {
    const entries = [
      fused(listing('CONTINUE_WATCHING', ['cw']), 0, 20),
      fused(listing('COLLABORATIVE', ['a', 'b', 'both']), 1),
      fused(listing('ITEM_ITEM', ['x', 'y', 'both']), 1),
    ];
    // 'both' is third in two lists: 2/63 beats a first place in one (1/61).
    expect(await ids(new UnionCandidateGenerator(entries, 3))).toEqual(['cw', 'both', 'a', 'x']);
    const candidates = await new UnionCandidateGenerator(entries, 3).generate(req());
    expect([...candidates.find((c) => c.title.id === 'both')!.sources.keys()]).toEqual(['COLLABORATIVE', 'ITEM_ITEM']);
  });

  it('lets a heavier source win the places; a source of weight 0 proposes its floor only', async () => {
    const asked: number[] = [];
    const entries = [
      fused(listing('COLLABORATIVE', ['a', 'b', 'c']), 1),
      fused(listing('ITEM_ITEM', ['x', 'y', 'z']), 4),
      fused(listing('TRENDING', ['t1', 't2', 't3'], asked), 0, 2),
    ];
    expect(await ids(new UnionCandidateGenerator(entries, 4))).toEqual(['t1', 't2', 'x', 'y', 'z', 'a']);
    expect(asked).toEqual([2]);
  });

  it("follows an experiment's sources: one switched off, another given a smaller quota", async () => {
    const entries = [fused(listing('COLLABORATIVE', ['a', 'b', 'c']), 1), fused(listing('ITEM_ITEM', ['x', 'y', 'z']), 1, 2)];
    const g = new UnionCandidateGenerator(entries, 10);
    expect(await ids(g, req({ sources: { off: ['COLLABORATIVE'], quotas: {} } }))).toEqual(['x', 'y', 'z']);
    expect((await ids(g, req({ sources: { off: [], quotas: { ITEM_ITEM: 1 } } }))).sort()).toEqual(['a', 'b', 'c', 'x']);
  });
});

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

describe('the fused union of candidate sources', () => {
  it('keeps every reserved proposal and fills the rest by weighted reciprocal rank, agreement first', async () => {
    const entries: SourceEntry[] = [
      { provider: listing('CONTINUE_WATCHING', ['cw']), quota: 20 },
      { provider: listing('COLLABORATIVE', ['a', 'b', 'both']), quota: 300, weight: 1 },
      { provider: listing('ITEM_ITEM', ['x', 'y', 'both']), quota: 300, weight: 1 },
    ];
    // 'both' is third in two lists: 2/63 beats a first place in one (1/61).
    expect(await ids(new UnionCandidateGenerator(entries, 4))).toEqual(['cw', 'both', 'a', 'x']);
    const candidates = await new UnionCandidateGenerator(entries, 4).generate(req());
    expect([...candidates.find((c) => c.title.id === 'both')!.sources.keys()]).toEqual(['COLLABORATIVE', 'ITEM_ITEM']);
  });

  it('lets a heavier source win the places, and does not ask a source of weight 0', async () => {
    const asked: number[] = [];
    const entries: SourceEntry[] = [
      { provider: listing('COLLABORATIVE', ['a', 'b', 'c']), quota: 300, weight: 1 },
      { provider: listing('ITEM_ITEM', ['x', 'y', 'z']), quota: 300, weight: 4 },
      { provider: listing('TRENDING', ['t'], asked), quota: 300, weight: 0 },
    ];
    expect(await ids(new UnionCandidateGenerator(entries, 4))).toEqual(['x', 'y', 'z', 'a']);
    expect(asked).toEqual([]);
  });

  it("follows an experiment's sources: one switched off, another given a smaller quota", async () => {
    const entries: SourceEntry[] = [
      { provider: listing('COLLABORATIVE', ['a', 'b', 'c']), quota: 300, weight: 1 },
      { provider: listing('ITEM_ITEM', ['x', 'y', 'z']), quota: 300, weight: 1 },
    ];
    const g = new UnionCandidateGenerator(entries, 10);
    expect(await ids(g, req({ sources: { off: ['COLLABORATIVE'], quotas: {} } }))).toEqual(['x', 'y', 'z']);
    expect((await ids(g, req({ sources: { off: [], quotas: { ITEM_ITEM: 1 } } }))).sort()).toEqual(['a', 'b', 'c', 'x']);
  });
});

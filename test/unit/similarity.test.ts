import type { Title } from '../../src/domain/types';
import { ContentIndex } from '../../src/similarity/content-index';
import { blendedScore, buildSimilarityGraph, DEFAULT_SIMILARITY, edgesForNewTitle } from '../../src/similarity/similarity-graph';
import { similarityReason } from '../../src/similarity/similarity-reason';
import { smallWorld } from '../support/app-harness';

const base: Title = {
  id: 'x',
  name: 'X',
  kind: 'SERIES',
  description: '',
  genres: ['Dramas'],
  tags: [],
  cast: [],
  directors: [],
  country: 'US',
  language: 'en',
  releaseYear: 2018,
  maturityRating: 'TV-MA',
  maturityTier: 'ADULTS',
  runtimeMinutes: 45,
  seasons: 1,
  criticScore: null,
  addedAt: 0,
  artwork: [],
};
const t = (id: string, extra: Partial<Title>): Title => ({ ...base, id, name: id.toUpperCase(), ...extra });

/** Forty filler titles so that "Dramas" and "US" are common and "Korean TV Shows" is rare. */
const filler = Array.from({ length: 40 }, (_, i) =>
  t(`f${i}`, { genres: ['Dramas', i % 2 ? 'Comedies' : 'Thrillers'], releaseYear: 1990 + i }),
);

describe('metadata similarity', () => {
  it('weighs a shared rare feature above a shared common one', () => {
    const anchor = t('a', { genres: ['Korean TV Shows', 'Dramas'], country: 'KR', language: 'ko' });
    const rare = t('b', { genres: ['Korean TV Shows'], country: 'KR', language: 'ko', releaseYear: 2010 });
    const common = t('c', { genres: ['Dramas'], country: 'KR', language: 'ko', releaseYear: 2010 });
    const index = new ContentIndex([...filler, anchor, rare, common]);
    const sims = index.similarities('a');
    expect(sims.get(index.positionOf('b')!)!).toBeGreaterThan(sims.get(index.positionOf('c')!)!);
  });

  it("keeps kids' shows away from adult dramas with the same metadata", () => {
    const anchor = t('a', { genres: ['Korean TV Shows'], country: 'KR', language: 'ko' });
    const adult = t('b', { genres: ['Korean TV Shows'], country: 'KR', language: 'ko' });
    const kids = t('k', { genres: ['Korean TV Shows'], country: 'KR', language: 'ko', maturityTier: 'LITTLE_KIDS' });
    const index = new ContentIndex([...filler, anchor, adult, kids]);
    const sims = index.similarities('a');
    expect(sims.get(index.positionOf('k')!)!).toBeLessThan(0.5 * sims.get(index.positionOf('b')!)!);
  });

  it('lets co-watching raise a score as far as viewing data supports it, never lower it', () => {
    expect(blendedScore(0.4, 0, 0, 0, DEFAULT_SIMILARITY)).toBe(0.4);
    expect(blendedScore(0.4, 0, 400, 400, DEFAULT_SIMILARITY)).toBe(0.4);
    const few = blendedScore(0.4, 3, 4, 4, DEFAULT_SIMILARITY);
    const many = blendedScore(0.4, 300, 400, 400, DEFAULT_SIMILARITY);
    expect(few).toBeGreaterThan(0.4);
    expect(many).toBeGreaterThan(few);
    expect(many).toBeLessThanOrEqual(0.75);
  });

  it('builds the same graph every time, best first, at most topK per title, with reasons', () => {
    const world = smallWorld();
    const a = buildSimilarityGraph(world.titles, world.playbacks);
    expect(buildSimilarityGraph([...world.titles].reverse(), world.playbacks)).toEqual(a);
    const first = a.filter((e) => e.from === world.titles[0].id);
    expect(first).toHaveLength(DEFAULT_SIMILARITY.topK);
    expect(first.map((e) => e.score)).toEqual([...first.map((e) => e.score)].sort((x, y) => y - x));
    expect(a.some((e) => e.basis.some((b) => b.startsWith('co-watch:')))).toBe(true);
    const to = world.titles.find((x) => x.id === first[0].to)!;
    expect(similarityReason(world.titles[0], to, first[0].basis)).toMatch(/^(Same director|Shared|Watched together|Both)/);
  });

  it('gives a new title edges both ways, strongest to its closest sibling', () => {
    const index = new ContentIndex(filler);
    const sibling = filler[3];
    const edges = edgesForNewTitle(index, { ...sibling, id: 'new', name: 'New' });
    expect(edges[0]).toMatchObject({ from: 'new', to: sibling.id });
    expect(edges[1]).toMatchObject({ from: sibling.id, to: 'new', score: edges[0].score });
  });
});

describe('similarity reasons', () => {
  it('names directors, cast, genres, the country and co-watching in readable words', () => {
    const a = t('a', { directors: [{ id: 'd1', name: 'Bong Joon-ho' }], cast: [{ id: 'c1', name: 'Song Kang-ho' }], country: 'KR' });
    const b = t('b', { directors: [{ id: 'd1', name: 'Bong Joon-ho' }], cast: [{ id: 'c1', name: 'Song Kang-ho' }], country: 'KR' });
    const reason = similarityReason(a, b, ['director:d1', 'cast:c1', 'genre:Dramas', 'country:KR', 'language:ko', 'co-watch:12']);
    expect(reason).toBe('Same director: Bong Joon-ho; shared cast: Song Kang-ho; shared genre: Dramas; watched together by 12 viewers');
    expect(similarityReason(a, b, ['country:KR', 'language:ko'])).toBe('Both from South Korea');
  });
});

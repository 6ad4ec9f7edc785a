import type { Account, Title, WatchState } from '../../src/domain/types';
import { profileSignals, topGenres } from '../../src/pipeline/profile-signals';
import { resolveContext } from '../../src/pipeline/viewing-context';
import { contextFit } from '../../src/ranking/heuristic-ranker';
import { fixtureData } from '../support/fixture-data';

const account: Account = { id: 'a', country: 'KR', timeZone: 'Asia/Seoul', createdAt: 0 };
const NOW = Date.UTC(2026, 10, 26, 12, 0); // Thursday 12:00 UTC = 21:00 in Seoul

describe('viewing context', () => {
  it("defaults to the account's country and wall clock", () => {
    expect(resolveContext(undefined, account, NOW)).toMatchObject({
      device: 'WEB',
      localTime: '2026-11-26T21:00:00',
      localHour: 21,
      localWeekday: 3,
      sessionSeconds: 0,
      country: 'KR',
    });
  });

  it("takes the client's wall clock as given", () => {
    expect(
      resolveContext({ device: 'PHONE', localTime: '2026-11-27T12:30', country: 'US', sessionSeconds: 60 }, account, NOW),
    ).toMatchObject({ device: 'PHONE', localHour: 12, localWeekday: 4, country: 'US', sessionSeconds: 60 });
  });
});

describe('profile signals', () => {
  const titles = new Map(fixtureData().titles.map((t) => [t.id, t]));
  const state = (titleId: string, progress: number, daysAgo: number): WatchState => ({
    profileId: 'p',
    titleId,
    progress,
    plays: 1,
    firstAt: NOW - daysAgo * 86_400_000,
    lastAt: NOW - daysAgo * 86_400_000,
    completed: progress >= 0.9,
  });

  it('weighs recent, engaged viewing most and ignores samples', () => {
    const s = profileSignals([state('t4', 1, 1), state('t1', 0.95, 90), state('t3', 0.01, 0)], (id) => titles.get(id), NOW);
    expect(topGenres(s, 2)).toEqual(['Action', 'Thriller']);
    expect([...s.genreAffinity.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(s.genreAffinity.has('Crime')).toBe(false);
    expect(s.inProgress).toEqual([]);
    expect([...s.completed].sort()).toEqual(['t1', 't4']);
  });
});

describe('context fit', () => {
  const base = fixtureData().titles[1];
  const film: Title = { ...base, kind: 'MOVIE', runtimeMinutes: 140 };
  const episode: Title = { ...base, kind: 'SERIES', runtimeMinutes: 22 };
  const ctx = (device: 'TV' | 'PHONE', localHour: number, localWeekday: number) => ({
    device,
    localHour,
    localWeekday,
    localTime: '',
    sessionSeconds: 0,
    country: 'US',
    now: NOW,
  });

  it('favours long films on a Friday-night TV and short episodes on a weekday phone lunch', () => {
    expect(contextFit(film, ctx('TV', 20, 4))).toBeGreaterThan(contextFit(episode, ctx('TV', 20, 4)));
    expect(contextFit(episode, ctx('PHONE', 12, 2))).toBeGreaterThan(contextFit(film, ctx('PHONE', 12, 2)));
  });
});

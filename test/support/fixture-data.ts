import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';
import type { Dataset } from '../../src/domain/dataset';
import { buildSimilarityGraph } from '../../src/similarity/similarity-graph';
import type { ImpressionEvent, PlaybackEvent, SimilarEdge, Title } from '../../src/domain/types';

const DAY = 86_400_000;
export const FIXTURE_START = Date.UTC(2026, 8, 1);

function title(id: string, name: string, genres: string[], extra: Partial<Title> = {}): Title {
  return {
    id,
    name,
    kind: 'MOVIE',
    description: `${name}.`,
    genres,
    tags: ['witty'],
    cast: [
      { id: 'p1', name: 'Ava Reed' },
      { id: `p-${id}`, name: `Actor of ${name}` },
    ],
    directors: [{ id: 'p9', name: 'Jun Park' }],
    country: 'KR',
    language: 'ko',
    releaseYear: 2024,
    maturityRating: 'TV-14',
    maturityTier: 'TEENS',
    runtimeMinutes: 100,
    seasons: null,
    criticScore: 80,
    addedAt: FIXTURE_START - 10 * DAY,
    artwork: [
      { id: `${id}-a1`, titleId: id, theme: 'DRAMATIC' },
      { id: `${id}-a2`, titleId: id, theme: 'PORTRAIT' },
      { id: `${id}-a3`, titleId: id, theme: 'DARK' },
    ],
    ...extra,
  };
}

export function playback(eventId: string, profileId: string, titleId: string, day: number, progress: number): PlaybackEvent {
  return { eventId, profileId, titleId, occurredAt: FIXTURE_START + day * DAY, progress, device: 'TV', sessionId: null };
}

export function impression(eventId: string, profileId: string, titleId: string, day: number): ImpressionEvent {
  return {
    eventId,
    profileId,
    titleId,
    artworkId: `${titleId}-a1`,
    occurredAt: FIXTURE_START + day * DAY,
    device: 'TV',
    localHour: 20,
    localWeekday: 4,
    requestId: `r-${eventId}`,
    rowIndex: 0,
    position: 0,
    sessionId: null,
  };
}

/** A small hand-made dataset every store implementation is tested on. */
export function fixtureData(): Dataset {
  const titles = [
    title('t3', 'Midnight Harbor', ['Crime', 'Drama']),
    title('t1', 'The Paper Crown', ['Drama']),
    title('t2', 'Little Orchard', ['Kids', 'Family'], {
      maturityRating: 'TV-Y',
      maturityTier: 'LITTLE_KIDS',
      country: 'US',
      language: 'en',
    }),
    title('t4', 'Iron Season', ['Action', 'Thriller'], {
      kind: 'SERIES',
      seasons: 2,
      runtimeMinutes: 45,
      maturityRating: 'TV-MA',
      maturityTier: 'ADULTS',
    }),
  ];
  return {
    manifest: {
      size: 'imported',
      seed: 0,
      start: FIXTURE_START,
      end: FIXTURE_START + 5 * DAY,
      counts: { titles: 4, accounts: 2, profiles: 3, playbacks: 3, impressions: 2 },
    },
    titles,
    accounts: [
      { id: 'a1', country: 'KR', timeZone: 'Asia/Seoul', createdAt: FIXTURE_START - 100 * DAY },
      { id: 'a2', country: 'US', timeZone: 'America/New_York', createdAt: FIXTURE_START - 50 * DAY },
    ],
    profiles: [
      {
        id: 'a1-p2',
        accountId: 'a1',
        name: 'Kids Min',
        isKids: true,
        maturityLimit: 'LITTLE_KIDS',
        language: 'ko',
        createdAt: FIXTURE_START - 90 * DAY,
      },
      {
        id: 'a1-p1',
        accountId: 'a1',
        name: 'Seo-yeon',
        isKids: false,
        maturityLimit: 'ADULTS',
        language: 'ko',
        createdAt: FIXTURE_START - 100 * DAY,
      },
      {
        id: 'a2-p1',
        accountId: 'a2',
        name: 'Grace',
        isKids: false,
        maturityLimit: 'ADULTS',
        language: 'en',
        createdAt: FIXTURE_START - 50 * DAY,
      },
    ],
    playbacks: [playback('e1', 'a1-p1', 't1', 1, 0.4), playback('e2', 'a1-p1', 't3', 2, 0.95), playback('e3', 'a2-p1', 't1', 3, 0.2)],
    impressions: [impression('i1', 'a1-p1', 't1', 1), impression('i2', 'a2-p1', 't4', 3)],
  };
}

/** The fixture's SIMILAR_TO graph, as the real builder makes it. */
export function fixtureSimilarity(): SimilarEdge[] {
  const data = fixtureData();
  return buildSimilarityGraph(data.titles, data.playbacks);
}

/** The real public datasets for tests: `../shared/data` beside the project, or SHARED_DATA_DIR. */
export function sharedDataFile(...parts: string[]): string {
  return path.join(process.env.SHARED_DATA_DIR ?? path.join(projectRoot(), '..', 'shared', 'data'), ...parts);
}

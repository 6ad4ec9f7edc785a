import neo4j from 'neo4j-driver';
import { accountFromRecord } from '../account-record';
import { themeKey, type ThemeStat, type VariantCounts } from '../artwork-stats';
import {
  tierRank,
  type Account,
  type Artwork,
  type ImpressionEvent,
  type PlaybackEvent,
  type Profile,
  type Title,
  type WatchState,
  type Availability,
} from '../../src/domain/types';
import { interned, internedAll } from './interned';

/**
 * Domain records as node properties and back. A Title node carries its whole record (lists for
 * people and artwork, in order) so reading one is one lookup; the relationships to Genre, Person,
 * Country, Language and Tag nodes are the graph that similarity and traversals use. Absent
 * optional values are absent properties (Neo4j has no null properties).
 */

type Props = Record<string, unknown>;

/**
 * JS numbers travel to Neo4j as floats; whole-number fields are sent as Cypher integers so that
 * other readers of the graph see 2019, not 2019.0. (They come back as JS numbers: the driver runs
 * with disableLosslessIntegers, and every such value is below 2^53.)
 */
function withInts(props: Props, keys: readonly string[]): Props {
  const out = { ...props };
  for (const k of keys) if (typeof out[k] === 'number') out[k] = neo4j.int(out[k] as number);
  return out;
}

export function titleProps(t: Title): Props {
  return withInts(
    {
      id: t.id,
      name: t.name,
      kind: t.kind,
      description: t.description,
      genres: t.genres,
      tags: t.tags,
      castIds: t.cast.map((p) => p.id),
      castNames: t.cast.map((p) => p.name),
      directorIds: t.directors.map((p) => p.id),
      directorNames: t.directors.map((p) => p.name),
      country: t.country,
      language: t.language,
      releaseYear: t.releaseYear,
      maturityRating: t.maturityRating,
      maturityTier: t.maturityTier,
      tierRank: tierRank(t.maturityTier),
      runtimeMinutes: t.runtimeMinutes,
      seasons: t.seasons,
      criticScore: t.criticScore,
      addedAt: t.addedAt,
      artworkIds: t.artwork.map((a) => a.id),
      artworkThemes: t.artwork.map((a) => a.theme),
      ...availabilityProps(t.availability),
    },
    ['releaseYear', 'tierRank', 'runtimeMinutes', 'seasons', 'criticScore', 'addedAt'],
  );
}

/**
 * Availability as three optional properties; a title licensed everywhere, always, has none. An
 * explicit `availability: true` marks a title that has some, so an empty country list survives.
 */
export function availabilityProps(a: Availability | undefined): Props {
  if (!a) return {};
  const props = {
    availability: true,
    ...(a.countries ? { availableIn: a.countries } : {}),
    ...(a.from !== undefined ? { availableFrom: a.from } : {}),
    ...(a.until !== undefined ? { availableUntil: a.until } : {}),
  };
  return withInts(props, ['availableFrom', 'availableUntil']);
}

function toAvailability(p: Props): Availability | undefined {
  if (!p.availability) return undefined;
  return {
    ...(p.availableIn ? { countries: internedAll(p.availableIn as string[]) } : {}),
    ...(p.availableFrom !== undefined && p.availableFrom !== null ? { from: Number(p.availableFrom) } : {}),
    ...(p.availableUntil !== undefined && p.availableUntil !== null ? { until: Number(p.availableUntil) } : {}),
  };
}

export function accountProps(a: Account): Props {
  return withInts({ ...a }, ['createdAt']);
}

/** Onboarding answers are flattened into three properties (Neo4j properties hold no maps). */
export function profileProps(p: Profile): Props {
  const { onboarding, ...rest } = p;
  const flat: Props = { ...rest };
  if (onboarding) {
    flat.onboardingGenres = onboarding.genres;
    flat.onboardingTitleIds = onboarding.titleIds;
    flat.onboardingAt = onboarding.completedAt;
  }
  return withInts(flat, ['createdAt', 'onboardingAt', 'historyDeletedAt']);
}

export function playbackProps(e: PlaybackEvent): Props {
  return withInts({ ...e }, ['occurredAt']);
}

const zip = (ids: unknown, names: unknown) => (ids as string[]).map((id, i) => ({ id, name: (names as string[])[i] }));

/** Strings the pipeline looks up by are interned (interned.ts); display text is not. */
export function toTitle(p: Props): Title {
  const id = interned(p.id as string);
  return {
    id,
    name: p.name as string,
    kind: interned(p.kind as string) as Title['kind'],
    description: p.description as string,
    genres: internedAll(p.genres as string[]),
    tags: internedAll(p.tags as string[]),
    cast: zip(p.castIds, p.castNames),
    directors: zip(p.directorIds, p.directorNames),
    country: interned(p.country as string),
    language: interned(p.language as string),
    releaseYear: p.releaseYear as number,
    maturityRating: interned(p.maturityRating as string),
    maturityTier: interned(p.maturityTier as string) as Title['maturityTier'],
    runtimeMinutes: p.runtimeMinutes as number,
    seasons: (p.seasons as number | undefined) ?? null,
    criticScore: (p.criticScore as number | undefined) ?? null,
    addedAt: p.addedAt as number,
    artwork: (p.artworkIds as string[]).map((aid, i) => ({
      id: interned(aid),
      titleId: id,
      theme: interned((p.artworkThemes as string[])[i]) as Title['artwork'][number]['theme'],
    })),
    ...(p.availability ? { availability: toAvailability(p) } : {}),
  };
}

/** Nodes written before accounts had time zones hold utcOffsetMinutes: graph/account-record.ts reads both. */
export function toAccount(p: Props): Account {
  const account = accountFromRecord(p, `Account ${JSON.stringify(p.id)}`);
  return { ...account, id: interned(account.id), country: interned(account.country) };
}

export function toProfile(p: Props): Profile {
  return {
    id: interned(p.id as string),
    accountId: interned(p.accountId as string),
    name: p.name as string,
    isKids: p.isKids as boolean,
    maturityLimit: interned(p.maturityLimit as string) as Profile['maturityLimit'],
    language: interned(p.language as string),
    createdAt: p.createdAt as number,
    ...(p.personalizationOff !== undefined && { personalizationOff: p.personalizationOff as boolean }),
    ...(p.onboardingAt !== undefined && {
      onboarding: {
        genres: p.onboardingGenres as string[],
        titleIds: p.onboardingTitleIds as string[],
        completedAt: p.onboardingAt as number,
      },
    }),
    ...(p.historyDeletedAt !== undefined && { historyDeletedAt: p.historyDeletedAt as number }),
  };
}

export function toPlayback(p: Props): PlaybackEvent {
  return {
    eventId: p.eventId as string,
    profileId: p.profileId as string,
    titleId: p.titleId as string,
    occurredAt: p.occurredAt as number,
    progress: p.progress as number,
    device: p.device as PlaybackEvent['device'],
    sessionId: (p.sessionId as string | undefined) ?? null,
  };
}

/** Experiment variants travel as two parallel lists: Neo4j properties cannot hold maps. */
export function impressionProps(e: ImpressionEvent): Props {
  const { experiments, ...rest } = e;
  const props: Props = { ...rest };
  if (experiments !== undefined) {
    props.experimentIds = experiments.map((x) => x.experimentId);
    props.experimentVariants = experiments.map((x) => x.variant);
  }
  return withInts(props, ['occurredAt', 'localHour', 'localWeekday', 'rowIndex', 'position']);
}

export function toImpression(p: Props): ImpressionEvent {
  return {
    eventId: p.eventId as string,
    profileId: p.profileId as string,
    titleId: p.titleId as string,
    artworkId: p.artworkId as string,
    occurredAt: p.occurredAt as number,
    device: p.device as ImpressionEvent['device'],
    localHour: p.localHour as number,
    localWeekday: p.localWeekday as number,
    requestId: p.requestId as string,
    rowIndex: p.rowIndex as number,
    position: p.position as number,
    sessionId: (p.sessionId as string | undefined) ?? null,
    ...(p.experimentIds === undefined
      ? {}
      : {
          experiments: (p.experimentIds as string[]).map((experimentId, i) => ({
            experimentId,
            variant: (p.experimentVariants as string[])[i],
          })),
        }),
  };
}

/** An Artwork node: one variant of a title with the bandit's counters (graph/artwork-stats.ts). */
export function artworkProps(a: Artwork, rank: number, counts: VariantCounts): Props {
  return withInts({ id: a.id, titleId: a.titleId, theme: a.theme, rank, shown: counts.shown, taken: counts.taken }, [
    'rank',
    'shown',
    'taken',
  ]);
}

/** A ThemeStats node: one profile's counters for one artwork theme, unique by key. */
export function themeStatsProps(t: ThemeStat & { profileId: string }): Props {
  return withInts({ key: themeKey(t.profileId, t.theme), ...t }, ['shown', 'taken', 'otherShown', 'otherTaken']);
}

/** WATCHED relationship properties; the profile and title are its ends. */
export function watchProps(w: WatchState): Props {
  return withInts({ progress: w.progress, plays: w.plays, firstAt: w.firstAt, lastAt: w.lastAt, completed: w.completed }, [
    'plays',
    'firstAt',
    'lastAt',
  ]);
}

export function toWatchState(profileId: string, titleId: string, p: Props): WatchState {
  return {
    profileId,
    titleId: interned(titleId),
    progress: p.progress as number,
    plays: p.plays as number,
    firstAt: p.firstAt as number,
    lastAt: p.lastAt as number,
    completed: p.completed as boolean,
  };
}

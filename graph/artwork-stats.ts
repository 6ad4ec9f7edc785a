import {
  eventKey,
  type Artwork,
  type ArtworkTheme,
  type EventIdentity,
  type ImpressionEvent,
  type PlaybackEvent,
  type Title,
} from '../src/domain/types';

/**
 * The artwork bandit's statistics, derived from stored events by one set of pure rules that both
 * stores apply inside their event writes (so a counter is durable exactly when its event is, and
 * a duplicate event never counts twice), at bulk load and on journal replay.
 */

/** A play credits an impression of the same (profile, title) shown at most this long before it: the ranker's click window. */
export const REWARD_WINDOW_MS = 3_600_000;

/** Impressions of one artwork variant and how many of them were credited with a play. */
export interface VariantCounts {
  shown: number;
  taken: number;
}

export interface ArtworkStat extends VariantCounts {
  titleId: string;
  artworkId: string;
}

/**
 * One profile's response to one theme, counted over impressions of titles whose variants have at
 * least two distinct themes. `shown`/`taken`: impressions shown with a variant of this theme and
 * how many were credited; `otherShown`/`otherTaken`: impressions of titles that have a variant of
 * this theme but were shown with another one. Comparing the two within the same titles keeps the
 * profile's taste for genres (whose titles carry typical themes) out of its theme affinity.
 */
export interface ThemeCounts {
  shown: number;
  taken: number;
  otherShown: number;
  otherTaken: number;
}

export interface ThemeStat extends ThemeCounts {
  theme: ArtworkTheme;
}

/** A change to the counters, keyed like the stores key them. */
export interface StatDeltas {
  /** By artwork id. */
  artwork: Map<string, VariantCounts>;
  /** By themeKey(profileId, theme). */
  themes: Map<string, ThemeCounts & { profileId: string; theme: ArtworkTheme }>;
}

export const themeKey = (profileId: string, theme: ArtworkTheme) => `${profileId}|${theme}`;
export const zeroTheme = (): ThemeCounts => ({ shown: 0, taken: 0, otherShown: 0, otherTaken: 0 });

type Shown = Pick<ImpressionEvent, 'profileId' | 'titleId' | 'artworkId'>;

/**
 * What impressions add (`kind` 'shown') or what credited impressions add ('taken'). Impressions of
 * an artwork that is not the title's count nowhere.
 */
export function statDeltas(
  events: readonly Shown[],
  kind: 'shown' | 'taken',
  titleOf: (id: string) => Pick<Title, 'artwork'> | undefined,
): StatDeltas {
  const out: StatDeltas = { artwork: new Map(), themes: new Map() };
  for (const e of events) {
    const variants = titleOf(e.titleId)?.artwork ?? [];
    const artwork = variants.find((a) => a.id === e.artworkId);
    if (!artwork) continue;
    const counts = out.artwork.get(artwork.id) ?? { shown: 0, taken: 0 };
    counts[kind]++;
    out.artwork.set(artwork.id, counts);
    for (const { theme, own } of themeRoles(variants, artwork)) {
      const key = themeKey(e.profileId, theme);
      const t = out.themes.get(key) ?? { ...zeroTheme(), profileId: e.profileId, theme };
      if (own) t[kind === 'shown' ? 'shown' : 'taken']++;
      else t[kind === 'shown' ? 'otherShown' : 'otherTaken']++;
      out.themes.set(key, t);
    }
  }
  return out;
}

/** The themes an impression counts for: its own, and the title's other distinct themes; none when the title has only one. */
function themeRoles(variants: readonly Artwork[], shown: Artwork): { theme: ArtworkTheme; own: boolean }[] {
  const themes = [...new Set(variants.map((a) => a.theme))];
  return themes.length < 2 ? [] : themes.map((theme) => ({ theme, own: theme === shown.theme }));
}

const byTime = (a: { occurredAt: number; eventId: string }, b: { occurredAt: number; eventId: string }) =>
  a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** Plays in the order crediting considers them: time, then id, whatever order they arrived in within a batch. */
export const inCreditOrder = (plays: readonly PlaybackEvent[]) => [...plays].sort(byTime);

/**
 * The reward rule. A play credits the latest impression of its (profile, title) shown within
 * REWARD_WINDOW_MS before it (both ends inclusive; ties in time go to the greater event id), if
 * that impression has not been credited yet. When the latest one is credited already, the play
 * credits nothing: it is a later report of the same viewing, and an older impression that did not
 * lead to a play must not be credited by it. An impression that arrives after its play is never
 * credited. `impressions` are the profile's, oldest first (ties by eventId).
 */
export function creditTarget(impressions: readonly ImpressionEvent[], play: PlaybackEvent): ImpressionEvent | null {
  // The last impression at or before the play, by binary search, then back to one of this title.
  let lo = 0;
  let hi = impressions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (impressions[mid].occurredAt <= play.occurredAt) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && impressions[i].occurredAt >= play.occurredAt - REWARD_WINDOW_MS; i--) {
    if (impressions[i].titleId === play.titleId) return impressions[i];
  }
  return null;
}

/** Counters by artwork id and by (profile, theme), in memory, and how deltas add to them. */
export class ArtworkCounters {
  readonly artwork = new Map<string, VariantCounts>();
  readonly themes = new Map<string, Map<ArtworkTheme, ThemeCounts>>();

  /** Adds the deltas, or takes them away (`sign` -1, an erasure). */
  add(d: StatDeltas, sign: 1 | -1 = 1): void {
    for (const [id, c] of d.artwork) {
      const now = this.artwork.get(id) ?? { shown: 0, taken: 0 };
      this.artwork.set(id, { shown: now.shown + sign * c.shown, taken: now.taken + sign * c.taken });
    }
    for (const t of d.themes.values()) {
      const mine = this.themes.get(t.profileId) ?? new Map<ArtworkTheme, ThemeCounts>();
      mine.set(t.theme, addThemeCounts(mine.get(t.theme) ?? zeroTheme(), t));
      this.themes.set(t.profileId, mine);
    }
  }

  /** The profile's counters per theme it has any, by theme name. */
  themeStats(profileId: string): ThemeStat[] {
    return [...(this.themes.get(profileId) ?? new Map<ArtworkTheme, ThemeCounts>())]
      .map(([theme, c]) => ({ theme, ...c }))
      .sort((a, b) => (a.theme < b.theme ? -1 : 1));
  }
}

export function addThemeCounts(a: ThemeCounts, b: ThemeCounts): ThemeCounts {
  return {
    shown: a.shown + b.shown,
    taken: a.taken + b.taken,
    otherShown: a.otherShown + b.otherShown,
    otherTaken: a.otherTaken + b.otherTaken,
  };
}

/**
 * The counters over a set of events: the embedded store's, and what a Neo4j bulk load writes.
 * Impressions are indexed per profile in time order, for crediting.
 */
export class ArtworkLedger {
  readonly counters = new ArtworkCounters();
  private readonly byProfile = new Map<string, ImpressionEvent[]>();
  /** Credited impression (its eventKey) → the id of the play, of the same profile, that credited it. */
  private readonly credited = new Map<string, string>();

  constructor(private readonly titleOf: (id: string) => Title | undefined) {}

  /** Counts new impressions (the caller drops duplicates). */
  addImpressions(events: readonly ImpressionEvent[]): void {
    for (const e of events) insertInOrder(this.byProfile.get(e.profileId) ?? this.newList(e.profileId), e);
    this.counters.add(statDeltas(events, 'shown', this.titleOf));
  }

  /** Credits new plays (the caller drops duplicates) by the reward rule; returns the credited impressions. */
  creditPlays(plays: readonly PlaybackEvent[]): { play: PlaybackEvent; impression: ImpressionEvent }[] {
    const credits: { play: PlaybackEvent; impression: ImpressionEvent }[] = [];
    for (const play of inCreditOrder(plays)) {
      const target = creditTarget(this.byProfile.get(play.profileId) ?? [], play);
      if (!target || this.credited.has(eventKey(target))) continue;
      this.credited.set(eventKey(target), play.eventId);
      credits.push({ play, impression: target });
    }
    this.counters.add(
      statDeltas(
        credits.map((c) => c.impression),
        'taken',
        this.titleOf,
      ),
    );
    return credits;
  }

  /** The id of the play that credited the impression, if one did. */
  creditOf(impression: EventIdentity): string | undefined {
    return this.credited.get(eventKey(impression));
  }

  /** The profile's impressions, oldest first (ties by eventId). */
  impressionsOf(profileId: string): readonly ImpressionEvent[] {
    return this.byProfile.get(profileId) ?? [];
  }

  /**
   * Takes a profile out of the counters (erasure of its history): its impressions and the credits
   * its plays gave them, and its theme counters. The reward rule never crosses profiles, so no
   * other profile's counts change; Neo4j subtracts the same amounts (neo4j-privacy).
   */
  forgetProfile(profileId: string): void {
    const shown = this.byProfile.get(profileId) ?? [];
    const credited = shown.filter((e) => this.credited.has(eventKey(e)));
    this.counters.add(statDeltas(shown, 'shown', this.titleOf), -1);
    this.counters.add(statDeltas(credited, 'taken', this.titleOf), -1);
    for (const e of credited) this.credited.delete(eventKey(e));
    this.byProfile.delete(profileId);
    this.counters.themes.delete(profileId);
  }

  /** Every variant of the titles asked (unknown ones left out), by title id then the title's artwork order. */
  artworkStats(titleIds: readonly string[]): ArtworkStat[] {
    return [...new Set(titleIds)].sort().flatMap((id) =>
      (this.titleOf(id)?.artwork ?? []).map((a) => ({
        titleId: id,
        artworkId: a.id,
        ...(this.counters.artwork.get(a.id) ?? { shown: 0, taken: 0 }),
      })),
    );
  }

  themeStats(profileId: string): ThemeStat[] {
    return this.counters.themeStats(profileId);
  }

  /** Every theme counter, for a bulk load. */
  allThemes(): (ThemeStat & { profileId: string })[] {
    return [...this.counters.themes].flatMap(([profileId, m]) => [...m].map(([theme, c]) => ({ profileId, theme, ...c })));
  }

  private newList(profileId: string): ImpressionEvent[] {
    const list: ImpressionEvent[] = [];
    this.byProfile.set(profileId, list);
    return list;
  }
}

/** Keeps `list` oldest first (ties by eventId); events mostly arrive in order, so this is mostly a push. */
function insertInOrder(list: ImpressionEvent[], e: ImpressionEvent): void {
  let i = list.length;
  while (i > 0 && byTime(list[i - 1], e) > 0) i--;
  list.splice(i, 0, e);
}

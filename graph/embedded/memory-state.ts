import type { Dataset } from '../../src/domain/dataset';
import { ArtworkLedger } from '../artwork-stats';
import type { Person, RecentPlay } from '../store';
import { applyToWatchState } from '../../src/domain/watch-state';
import {
  allowedFor,
  type Account,
  type ErasedHistory,
  type ImpressionEvent,
  type MaturityTier,
  type PlaybackEvent,
  type Profile,
  type SimilarEdge,
  type StoredProfileData,
  type Title,
  type WatchState,
  type Availability,
} from '../../src/domain/types';
import { afterErasure, applyFeedback, byTitleId, type FeedbackChange, type TitleFeedback } from '../../src/domain/title-feedback';
import type { Promotion } from '../../src/domain/promotion';
import { TimeOrderedLog } from './time-ordered-log';
import { ExperimentLedger } from './experiment-ledger';
import { EventIdSet } from './event-id-set';

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const bestFirst = (a: SimilarEdge, b: SimilarEdge) => b.score - a.score || (a.to < b.to ? -1 : a.to > b.to ? 1 : 0);
const newestFirst = (a: PlaybackEvent, b: PlaybackEvent) =>
  b.occurredAt - a.occurredAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** The embedded store's in-memory indexes; pure data structure, no I/O. */
export class MemoryState {
  readonly titles = new Map<string, Title>();
  readonly people = new Map<string, Person>();
  readonly accounts = new Map<string, Account>();
  readonly profiles = new Map<string, Profile>();
  sortedProfileIds: string[] = [];
  /** Every stored event's (profile, id): an event is new unless it is here. */
  readonly playbackIds = new EventIdSet();
  readonly impressionIds = new EventIdSet();
  readonly playbacksByProfile = new Map<string, PlaybackEvent[]>();
  readonly watch = new Map<string, Map<string, WatchState>>();
  /** Every event of each kind, oldest first: what the `…Since` reads slice. */
  readonly playbacks = new TimeOrderedLog<PlaybackEvent>();
  readonly impressions = new TimeOrderedLog<ImpressionEvent>();
  /** SIMILAR_TO edges by source title, best first. */
  readonly similar = new Map<string, SimilarEdge[]>();
  latestPlaybackAt: number | null = null;
  /** The artwork bandit's counters, kept as events are added. */
  readonly artwork = new ArtworkLedger((id) => this.titles.get(id));
  readonly experiments = new ExperimentLedger();
  readonly promotions = new Map<string, Promotion>();
  /** Viewer feedback by profile, then title. */
  readonly feedback = new Map<string, Map<string, TitleFeedback>>();

  load(data: Omit<Dataset, 'manifest'>, similarity: readonly SimilarEdge[]): void {
    for (const t of [...data.titles].sort(byId)) this.putTitle(t);
    this.addSimilarEdges(similarity);
    for (const a of data.accounts) this.accounts.set(a.id, a);
    for (const p of data.profiles) this.profiles.set(p.id, p);
    this.sortedProfileIds = [...this.profiles.keys()].sort();
    // Impressions first: a play credits an impression shown before it (graph/artwork-stats.ts).
    this.addImpressions(data.impressions);
    this.addPlaybacks(data.playbacks);
    for (const f of data.feedback ?? []) {
      const mine = this.feedback.get(f.profileId) ?? new Map<string, TitleFeedback>();
      this.feedback.set(f.profileId, mine.set(f.titleId, f));
    }
  }

  /** A new title (ids are checked by the caller) with its people and edges. */
  addTitle(title: Title, edges: readonly SimilarEdge[]): void {
    this.putTitle(title);
    this.addSimilarEdges(edges);
  }

  /** Replaces a known title's availability (the caller checks the id). */
  setAvailability(titleId: string, availability: Availability | null): Title {
    const { availability: _old, ...title } = this.titles.get(titleId)!;
    const next: Title = availability ? { ...title, availability } : title;
    this.titles.set(titleId, next);
    return next;
  }

  similarTitles(titleId: string, limit: number, maxTier?: MaturityTier): SimilarEdge[] {
    const edges = this.similar.get(titleId) ?? [];
    const allowed = maxTier === undefined ? edges : edges.filter((e) => allowedFor(maxTier, this.titles.get(e.to)!.maturityTier));
    return allowed.slice(0, limit);
  }

  private putTitle(t: Title): void {
    this.titles.set(t.id, t);
    for (const p of [...t.cast, ...t.directors]) {
      const person = this.people.get(p.id) ?? { id: p.id, name: p.name, titleIds: [] };
      if (!person.titleIds.includes(t.id)) person.titleIds.push(t.id);
      this.people.set(p.id, person);
    }
  }

  private addSimilarEdges(edges: readonly SimilarEdge[]): void {
    const touched = new Set<string>();
    for (const e of edges) {
      // Neo4j cannot create an edge to a title it does not have; neither does this store.
      if (!this.titles.has(e.from) || !this.titles.has(e.to)) continue;
      const list = this.similar.get(e.from);
      if (list) list.push(e);
      else this.similar.set(e.from, [e]);
      touched.add(e.from);
    }
    for (const from of touched) this.similar.get(from)!.sort(bestFirst);
  }

  /** Adds events not seen before (by profile and id); returns how many were new. */
  addPlaybacks(events: readonly PlaybackEvent[]): number {
    const fresh: PlaybackEvent[] = [];
    for (const e of events) {
      if (this.playbackIds.has(e)) continue;
      fresh.push(e);
      this.playbackIds.add(e);
      this.playbacks.append(e);
      this.latestPlaybackAt = Math.max(this.latestPlaybackAt ?? e.occurredAt, e.occurredAt);
      const list = this.playbacksByProfile.get(e.profileId) ?? [];
      list.push(e);
      this.playbacksByProfile.set(e.profileId, list);
      const states = this.watch.get(e.profileId) ?? new Map<string, WatchState>();
      states.set(e.titleId, applyToWatchState(states.get(e.titleId), e));
      this.watch.set(e.profileId, states);
    }
    this.artwork.creditPlays(fresh);
    return fresh.length;
  }

  addImpressions(events: readonly ImpressionEvent[]): number {
    const fresh: ImpressionEvent[] = [];
    for (const e of events) {
      if (this.impressionIds.has(e)) continue;
      this.impressionIds.add(e);
      this.impressions.append(e);
      fresh.push(e);
    }
    this.artwork.addImpressions(fresh);
    return fresh.length;
  }

  /** Adds or replaces a profile (the caller checks ids, accounts and limits). */
  putProfile(profile: Profile): void {
    if (!this.profiles.has(profile.id)) {
      const ids = this.sortedProfileIds;
      let at = ids.length;
      while (at > 0 && ids[at - 1] > profile.id) at--;
      ids.splice(at, 0, profile.id);
    }
    this.profiles.set(profile.id, profile);
  }

  changeFeedback(profileId: string, titleId: string, change: FeedbackChange, at: number): TitleFeedback | null {
    const mine = this.feedback.get(profileId) ?? new Map<string, TitleFeedback>();
    const next = applyFeedback(mine.get(titleId) ?? null, profileId, titleId, change, at);
    if (next) mine.set(titleId, next);
    else mine.delete(titleId);
    if (mine.size > 0) this.feedback.set(profileId, mine);
    else this.feedback.delete(profileId);
    return next;
  }

  feedbackOf(profileId: string): TitleFeedback[] {
    return [...(this.feedback.get(profileId)?.values() ?? [])].sort(byTitleId);
  }

  /** Erases a profile's events and everything derived from them; `after` is its record afterwards. */
  eraseHistory(after: Profile): ErasedHistory {
    const id = after.id;
    const mine = (e: { profileId: string }) => e.profileId === id;
    const playbacks = this.playbacksByProfile.get(id) ?? [];
    const impressions = [...this.artwork.impressionsOf(id)];
    this.playbacks.remove(mine);
    this.impressions.remove(mine);
    this.playbackIds.forgetProfile(id);
    this.impressionIds.forgetProfile(id);
    this.playbacksByProfile.delete(id);
    this.watch.delete(id);
    this.artwork.forgetProfile(id);
    this.experiments.forgetProfile(id);
    for (const f of this.feedbackOf(id)) {
      const kept = afterErasure(f);
      if (kept) this.feedback.get(id)!.set(f.titleId, kept);
      else this.feedback.get(id)!.delete(f.titleId);
    }
    if (this.feedback.get(id)?.size === 0) this.feedback.delete(id);
    if (playbacks.length > 0) this.latestPlaybackAt = this.playbacks.all().at(-1)?.occurredAt ?? null;
    this.putProfile(after);
    return { playbacks, impressions, profile: after };
  }

  profileData(profileId: string): StoredProfileData {
    const playbacks = this.playbacksByProfile.get(profileId) ?? [];
    const impressions = this.artwork.impressionsOf(profileId);
    const times = [...playbacks, ...impressions].map((e) => e.occurredAt).sort((a, b) => a - b);
    return {
      playbacks: playbacks.length,
      impressions: impressions.length,
      titles: this.watch.get(profileId)?.size ?? 0,
      artworkThemes: this.artwork.themeStats(profileId).length,
      ...feedbackCounts(this.feedbackOf(profileId)),
      firstEventAt: times[0] ?? null,
      lastEventAt: times.at(-1) ?? null,
    };
  }

  watchState(profileId: string): WatchState[] {
    return [...(this.watch.get(profileId)?.values() ?? [])].sort(
      (a, b) => b.lastAt - a.lastAt || (a.titleId < b.titleId ? -1 : a.titleId > b.titleId ? 1 : 0),
    );
  }

  history(profileId: string, first: number): PlaybackEvent[] {
    return [...(this.playbacksByProfile.get(profileId) ?? [])].sort(newestFirst).slice(0, first);
  }

  playsSince(since: number): RecentPlay[] {
    return this.playbacks.since(since).map((e) => {
      const profile = this.profiles.get(e.profileId);
      const country = profile ? this.accounts.get(profile.accountId)?.country : undefined;
      return {
        eventId: e.eventId,
        titleId: e.titleId,
        profileId: e.profileId,
        country: country ?? 'XX',
        kids: profile?.isKids ?? false,
        occurredAt: e.occurredAt,
      };
    });
  }

  allWatchStates(): WatchState[] {
    return [...this.watch.keys()].sort().flatMap((p) => [...this.watch.get(p)!.values()].sort((a, b) => (a.titleId < b.titleId ? -1 : 1)));
  }
}

/** How many titles of the profile's feedback carry each control (StoredProfileData). */
function feedbackCounts(feedback: readonly TitleFeedback[]): Pick<StoredProfileData, 'ratings' | 'notInterested' | 'myList'> {
  return {
    ratings: feedback.filter((f) => f.rating !== null).length,
    notInterested: feedback.filter((f) => f.notInterestedAt !== null).length,
    myList: feedback.filter((f) => f.myListAt !== null).length,
  };
}

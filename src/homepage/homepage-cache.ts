import { sessionStage } from '../rows/device-layout';
import type { ExperimentVariant } from '../domain/types';
import type { HomepageRequest } from '../pipeline/request';

/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 50_000;

/**
 * Built pages per (profile, context bucket), for a short TTL. The key carries a fingerprint of
 * the profile's watch state, its settings and the model version, so a new play or feedback (recorded by any replica
 * sharing the store) or a swapped bundle misses at once; impressions, which only move the
 * ranker's exposure features, drop the profile's pages through `forget`.
 */
export class HomepageCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly keysOf = new Map<string, Set<string>>();

  constructor(private readonly ttlMs: number) {}

  /** The bucket a request falls in: same device, local hour, weekday, country, session stage, history, feedback and filter. */
  static key(req: HomepageRequest, modelVersion: string, experiments: readonly ExperimentVariant[] = []): string {
    const c = req.context;
    const session = sessionStage(c);
    // Every accepted playback adds one play to some watch state, so the sum changes with each.
    const history = `${req.signals.recent.length}:${req.signals.recent.reduce((n, w) => n + w.plays, 0)}`;
    // The variant set: a unit's page under one variant is not its page under another, nor after the experiment stops.
    const variants = experiments.map((x) => `${x.experimentId}=${x.variant}`).join(',');
    // The whole profile record: a limit lowered, personalization switched off or answers given on another replica miss at once too.
    const { id, ...settings } = req.profile;
    const feedback = req.feedbackVersion ?? '';
    const filter = req.filter ? JSON.stringify(req.filter) : '';
    // The running promotions: one starting or ending (on any replica) misses at once.
    const promotions = (req.promotions ?? []).map((p) => p.id).join(',');
    return [
      id,
      c.device,
      c.localHour,
      c.localWeekday,
      c.country,
      session,
      history,
      feedback,
      filter,
      promotions,
      modelVersion,
      variants,
      JSON.stringify(settings),
    ].join('|');
  }

  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires > now) return hit.value;
    this.delete(key);
    return undefined;
  }

  set(profileId: string, key: string, value: V, now: number): void {
    if (this.ttlMs <= 0) return;
    this.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    (this.keysOf.get(profileId) ?? this.keysOf.set(profileId, new Set()).get(profileId)!).add(key);
  }

  /** Drops every cached page. */
  clear(): void {
    this.entries.clear();
    this.keysOf.clear();
  }

  /** Drops every cached page of the profile. */
  forget(profileId: string): void {
    for (const key of this.keysOf.get(profileId) ?? []) this.entries.delete(key);
    this.keysOf.delete(profileId);
  }

  private delete(key: string): void {
    this.entries.delete(key);
    this.keysOf.get(key.slice(0, key.indexOf('|')))?.delete(key);
  }
}

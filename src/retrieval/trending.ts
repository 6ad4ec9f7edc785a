import { DAY_MS } from '../shared/time';

/**
 * Time-decayed play counts per segment (a country, or a country and kids flag): each play adds
 * 1, halving every `halfLifeDays`. Built from recent plays at start and updated online by every
 * accepted playback, so "trending" moves within the minute, not at the next training run.
 */
export class DecayedCounter {
  private readonly segments = new Map<string, Map<string, { value: number; at: number }>>();
  private readonly ranked = new Map<string, { ref: number; order: { titleId: string; weight: number }[] }>();
  private readonly halfLifeMs: number;

  constructor(halfLifeDays: number) {
    this.halfLifeMs = halfLifeDays * DAY_MS;
  }

  /** `weight` -1 takes an erased play back out. */
  note(segment: string, titleId: string, at: number, weight = 1): void {
    let counts = this.segments.get(segment);
    if (!counts) this.segments.set(segment, (counts = new Map()));
    const c = counts.get(titleId);
    if (!c) counts.set(titleId, { value: weight, at });
    else if (at >= c.at) counts.set(titleId, { value: c.value * this.decay(at - c.at) + weight, at });
    else counts.set(titleId, { value: c.value + weight * this.decay(c.at - at), at: c.at });
    this.reposition(segment, titleId);
  }

  /**
   * Moves one title to its new place in the segment's cached order instead of re-sorting the
   * segment on the next request: under steady playback traffic every request would re-sort.
   */
  private reposition(segment: string, titleId: string): void {
    const cached = this.ranked.get(segment);
    if (!cached) return;
    const c = this.segments.get(segment)!.get(titleId)!;
    const weight = c.value * this.decay(cached.ref - c.at);
    const order = cached.order;
    const old = order.findIndex((r) => r.titleId === titleId);
    if (old >= 0) order.splice(old, 1);
    const before = (r: { titleId: string; weight: number }) => r.weight > weight || (r.weight === weight && r.titleId < titleId);
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(order[mid])) lo = mid + 1;
      else hi = mid;
    }
    order.splice(lo, 0, { titleId, weight });
  }

  /**
   * The segment's titles by decayed count at `now`, best first, that `accept` keeps. Decaying
   * every count by the same factor keeps their order, so the order is cached until the next
   * play in the segment and only the scores are decayed to `now`.
   */
  top(segment: string, now: number, limit: number, accept: (titleId: string) => boolean): { titleId: string; score: number }[] {
    let cached = this.ranked.get(segment);
    if (!cached) {
      const counts = [...(this.segments.get(segment) ?? new Map<string, { value: number; at: number }>())];
      const ref = counts.reduce((m, [, c]) => Math.max(m, c.at), 0);
      const order = counts
        .map(([titleId, c]) => ({ titleId, weight: c.value * this.decay(ref - c.at) }))
        .sort((a, b) => b.weight - a.weight || (a.titleId < b.titleId ? -1 : 1));
      this.ranked.set(segment, (cached = { ref, order }));
    }
    const shrink = this.decay(Math.max(0, now - cached.ref));
    const out: { titleId: string; score: number }[] = [];
    for (const r of cached.order) {
      if (out.length >= limit) break;
      if (accept(r.titleId)) out.push({ titleId: r.titleId, score: r.weight * shrink });
    }
    return out;
  }

  /** One title's decayed count at `now` (0 when never counted). */
  value(segment: string, titleId: string, now: number): number {
    const c = this.segments.get(segment)?.get(titleId);
    return c ? c.value * this.decay(Math.max(0, now - c.at)) : 0;
  }

  private decay(ageMs: number): number {
    return Math.pow(0.5, ageMs / this.halfLifeMs);
  }
}

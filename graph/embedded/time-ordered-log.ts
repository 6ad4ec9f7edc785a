/** What the log orders by: time, then id, then profile (an event is unique by profile and id, so the order is total). */
export interface TimedEvent {
  eventId: string;
  profileId: string;
  occurredAt: number;
}

const before = (a: TimedEvent, b: TimedEvent) =>
  a.occurredAt !== b.occurredAt ? a.occurredAt < b.occurredAt : a.eventId !== b.eventId ? a.eventId < b.eventId : a.profileId < b.profileId;

/**
 * Events kept oldest first (ties by eventId, then profileId) so "everything since t" is a binary
 * search and a slice, not a sort of every event. Events arrive mostly in time order: those that
 * do are appended; the rest wait in a side buffer and are merged into the tail only when a read
 * needs the order, which costs the buffer's sort plus the part of the log they land in.
 */
export class TimeOrderedLog<E extends TimedEvent> {
  private sorted: E[] = [];
  private late: E[] = [];

  append(e: E): void {
    const last = this.sorted[this.sorted.length - 1];
    if (last === undefined || before(last, e)) this.sorted.push(e);
    else this.late.push(e);
  }

  /** Events at or after `since` (epoch ms), oldest first, ties by eventId, then profileId. */
  since(since: number): E[] {
    this.settle();
    return this.sorted.slice(this.lowerBound((e) => e.occurredAt >= since));
  }

  /** Every event, oldest first. */
  all(): E[] {
    this.settle();
    return [...this.sorted];
  }

  /** Drops the events `test` picks (erasure); returns how many. */
  remove(test: (e: E) => boolean): number {
    this.settle();
    const before = this.sorted.length;
    this.sorted = this.sorted.filter((e) => !test(e));
    return before - this.sorted.length;
  }

  /** Merges the late events into place; only the log from the oldest of them on is touched. */
  private settle(): void {
    if (this.late.length === 0) return;
    const late = this.late.sort((a, b) => (before(a, b) ? -1 : 1));
    this.late = [];
    const from = this.lowerBound((e) => !before(e, late[0]));
    const tail = this.sorted.splice(from);
    let i = 0;
    let j = 0;
    while (i < tail.length && j < late.length) this.sorted.push(before(late[j], tail[i]) ? late[j++] : tail[i++]);
    while (i < tail.length) this.sorted.push(tail[i++]);
    while (j < late.length) this.sorted.push(late[j++]);
  }

  /** The first index whose event satisfies `test`, which must be false then true along the log. */
  private lowerBound(test: (e: E) => boolean): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (test(this.sorted[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

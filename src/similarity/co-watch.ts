/**
 * Who watched what together: per title, how many distinct profiles played it and how many
 * played it together with each other title. Built from playback events at bulk load.
 */
export class CoWatch {
  private readonly viewers = new Map<string, number>();
  private readonly together = new Map<string, Map<string, number>>();

  /**
   * A profile's most recent MAX_TITLES_PER_PROFILE titles count: pairs grow with the square of a
   * history, and a binge-watcher's thousandth title says little about their first.
   */
  static readonly MAX_TITLES_PER_PROFILE = 300;

  static from(plays: Iterable<{ profileId: string; titleId: string; occurredAt: number }>): CoWatch {
    const byProfile = new Map<string, Map<string, number>>();
    for (const p of plays) {
      const titles = byProfile.get(p.profileId) ?? new Map<string, number>();
      titles.set(p.titleId, Math.max(titles.get(p.titleId) ?? 0, p.occurredAt));
      byProfile.set(p.profileId, titles);
    }
    const co = new CoWatch();
    for (const titles of byProfile.values()) {
      const recent = [...titles]
        .sort((a, b) => b[1] - a[1])
        .slice(0, CoWatch.MAX_TITLES_PER_PROFILE)
        .map(([id]) => id);
      co.addProfile(recent);
    }
    return co;
  }

  private addProfile(titleIds: readonly string[]): void {
    for (const a of titleIds) {
      this.viewers.set(a, (this.viewers.get(a) ?? 0) + 1);
      let row = this.together.get(a);
      if (!row) this.together.set(a, (row = new Map()));
      for (const b of titleIds) if (b !== a) row.set(b, (row.get(b) ?? 0) + 1);
    }
  }

  viewersOf(titleId: string): number {
    return this.viewers.get(titleId) ?? 0;
  }

  /** Titles watched by at least one viewer of `titleId`, with how many such viewers. */
  partners(titleId: string): ReadonlyMap<string, number> {
    return this.together.get(titleId) ?? new Map();
  }
}

import { TITLE_STATS_DAYS } from './title-stats';
import { DAY_MS } from '../../shared/time';
import { type Exposure } from '../../pipeline/stages';

/**
 * Which titles each profile was shown, by UTC day, over the same lookback as the title
 * statistics (and, like them, as whole-day counts so the server and the training replay agree).
 * Titles shown again and again and not yet played are the ones a viewer keeps passing over, or
 * the ones still waiting for the right evening: the ranker learns which from the outcomes.
 */
export class ExposureHistory {
  private readonly byProfile = new Map<string, Map<string, number[]>>();

  note(e: { profileId: string; titleId: string; occurredAt: number }): void {
    let titles = this.byProfile.get(e.profileId);
    if (!titles) this.byProfile.set(e.profileId, (titles = new Map()));
    const days = titles.get(e.titleId);
    const day = Math.floor(e.occurredAt / DAY_MS);
    if (!days) titles.set(e.titleId, [day]);
    else {
      days.push(day);
      // Old days are dropped as new ones arrive, so a profile's lists stay within the lookback.
      if (days[0] <= day - TITLE_STATS_DAYS)
        titles.set(
          e.titleId,
          days.filter((d) => d > day - TITLE_STATS_DAYS),
        );
    }
  }

  /** Titles shown to the profile within the lookback as of `now`. */
  titlesShown(profileId: string, now: number): number {
    const today = Math.floor(now / DAY_MS);
    return [...(this.byProfile.get(profileId)?.values() ?? [])].filter((days) =>
      days.some((d) => d > today - TITLE_STATS_DAYS && d <= today),
    ).length;
  }

  forget(profileId: string): void {
    this.byProfile.delete(profileId);
  }

  /** The profile's exposure to each title as of `now`: a lookup for one request. */
  of(profileId: string, now: number): (titleId: string) => Exposure {
    const titles = this.byProfile.get(profileId);
    const today = Math.floor(now / DAY_MS);
    return (titleId) => {
      let shown = 0;
      let latest = -Infinity;
      for (const d of titles?.get(titleId) ?? []) {
        if (d > today || d <= today - TITLE_STATS_DAYS) continue;
        shown++;
        latest = Math.max(latest, d);
      }
      return { shown, daysSinceShown: shown ? today - latest : TITLE_STATS_DAYS + 1 };
    };
  }
}

import {
  ARTWORK_THEMES,
  COMPLETED_PROGRESS,
  MATURITY_TIERS,
  allowedFor,
  type Account,
  type ImpressionEvent,
  type MaturityTier,
  type PlaybackEvent,
  type Profile,
  type Title,
} from '../domain/types';
import { affinity, clickProbability, contextFit, finishProbability, titleFacts, type TitleFacts } from './behaviour';
import { Rng, WeightedSampler } from '../shared/random';
import { loggingPolicyPage, personalPool, ROW_LENGTH } from './logging-policy';
import { BROWSE_ON_AFTER_PLAY, playProgress, reported, satisfying, sessionHours, sessionMoment } from './viewing';
import { DAY_MS, HOUR_MS, MINUTE_MS, instantOfWallClock, localHourAndWeekday, weekdayOf } from '../shared/time';
import type { ProfileTaste, TitleTruth } from './truth';

export interface GeneratedHistory {
  playbacks: PlaybackEvent[];
  impressions: ImpressionEvent[];
}

interface CatalogView {
  titles: Title[];
  facts: TitleFacts[];
  truth: TitleTruth[];
  /** Per maturity tier, a popularity sampler over titles allowed at that tier (index into titles). */
  popular: Map<MaturityTier, { members: number[]; sampler: WeightedSampler }>;
}

function catalogView(titles: Title[], truth: Record<string, TitleTruth>): CatalogView {
  const popular = new Map<MaturityTier, { members: number[]; sampler: WeightedSampler }>();
  for (const tier of MATURITY_TIERS) {
    const members = titles.map((t, i) => (allowedFor(tier, t.maturityTier) ? i : -1)).filter((i) => i >= 0);
    popular.set(tier, { members, sampler: new WeightedSampler(members.map((i) => Math.exp(truth[titles[i].id].buzz))) });
  }
  return { titles, facts: titles.map(titleFacts), truth: titles.map((t) => truth[t.id]), popular };
}

/**
 * An id as one flat string. A template literal leaves a tree of the pieces it joined, about 100
 * bytes an id against 50 for a joined one, and the large world keeps 4.5 million event ids.
 */
const flatId = (...parts: (string | number)[]) => parts.join('');

/** Simulates one profile's days: sessions, the page it saw (random artwork), plays and progress. */
function simulateProfile(
  rng: Rng,
  profile: Profile,
  account: Account,
  taste: ProfileTaste,
  view: CatalogView,
  start: number,
  days: number,
  out: GeneratedHistory,
): void {
  const n = view.titles.length;
  const allowed = view.popular.get(profile.maturityLimit)!;
  const aff = new Float32Array(n).fill(Number.NEGATIVE_INFINITY);
  for (const i of allowed.members) aff[i] = affinity(taste, view.facts[i], view.truth[i]);
  const personal = personalPool(rng, allowed.members, aff);
  const progress = new Map<number, number>();
  const lastPlayed = new Map<number, number>();
  const completed = new Set<number>();
  const hourSampler = new WeightedSampler(taste.hours);
  let satisfiedYesterday = false;
  let sessionCount = 0;
  let playCount = 0;
  let impressionCount = 0;

  for (let day = 0; day < days; day++) {
    const localMidnight = start + day * DAY_MS;
    const weekday = weekdayOf(new Date(localMidnight));
    let satisfiedToday = false;
    for (const hour of sessionHours(rng, taste, hourSampler, weekday, satisfiedYesterday)) {
      const { minute, moment: drawn } = sessionMoment(rng, taste, hour, weekday);
      const at = instantOfWallClock(localMidnight + hour * HOUR_MS + minute * MINUTE_MS, account.timeZone);
      // What the viewer's clock showed: an hour later than drawn when the clocks sprang forward over it.
      const moment = { ...drawn, ...localHourAndWeekday(at, account.timeZone) };
      const sessionId = flatId(profile.id, '-s', ++sessionCount);
      const available = (i: number) => view.titles[i].addedAt <= at && !completed.has(i);
      const resume = [...progress.keys()]
        .filter(available)
        .sort((a, b) => lastPlayed.get(b)! - lastPlayed.get(a)!)
        .slice(0, ROW_LENGTH);
      let browsing = true;
      loggingPolicyPage(rng, { resume, personal, popular: allowed, available }).forEach(
        ({ index: i, rowIndex, position, resumed: inResume }, slot) => {
          const title = view.titles[i];
          const variant = rng.int(0, title.artwork.length - 1);
          const shownAt = at + slot * 2000;
          out.impressions.push({
            eventId: flatId(profile.id, '-i', ++impressionCount),
            profileId: profile.id,
            titleId: title.id,
            artworkId: title.artwork[variant].id,
            occurredAt: shownAt,
            device: moment.device,
            localHour: moment.localHour,
            localWeekday: moment.localWeekday,
            requestId: sessionId,
            rowIndex,
            position,
            sessionId,
          });
          if (!browsing) return;
          const fit = contextFit(view.facts[i], moment);
          const theme = taste.theme[ARTWORK_THEMES.indexOf(title.artwork[variant].theme)];
          const pClick = clickProbability(
            aff[i] + (inResume ? 1 : 0),
            fit,
            theme,
            view.truth[i].artworkAppeal[variant],
            rowIndex * ROW_LENGTH + position,
          );
          if (!rng.chance(pClick)) return;
          const before = progress.get(i) ?? 0;
          const carriedOn = rng.chance(finishProbability(aff[i], fit, taste.patience));
          const after = playProgress(rng, before, carriedOn, view.facts[i].isMovie);
          out.playbacks.push({
            eventId: flatId(profile.id, '-e', ++playCount),
            profileId: profile.id,
            titleId: title.id,
            occurredAt: shownAt + 30_000,
            progress: reported(after),
            device: moment.device,
            sessionId,
          });
          lastPlayed.set(i, shownAt);
          if (after >= COMPLETED_PROGRESS) {
            completed.add(i);
            progress.delete(i);
          } else progress.set(i, after);
          if (satisfying(after, carriedOn, view.facts[i].isMovie)) satisfiedToday = true;
          browsing = rng.chance(BROWSE_ON_AFTER_PLAY);
        },
      );
    }
    satisfiedYesterday = satisfiedToday;
  }
}

/** Writes the past: for each profile, `days` days ending at `start + days`, from hidden tastes. */
export function generateHistory(
  seed: number,
  titles: Title[],
  titleTruth: Record<string, TitleTruth>,
  accounts: Account[],
  profiles: Profile[],
  tastes: Record<string, ProfileTaste>,
  start: number,
  days: number,
  onProfile?: (done: number) => void,
): GeneratedHistory {
  const view = catalogView(titles, titleTruth);
  const accountById = new Map(accounts.map((a) => [a.id, a]));
  const out: GeneratedHistory = { playbacks: [], impressions: [] };
  const root = new Rng(`history:${seed}`);
  profiles.forEach((profile, k) => {
    simulateProfile(root.fork(profile.id), profile, accountById.get(profile.accountId)!, tastes[profile.id], view, start, days, out);
    onProfile?.(k + 1);
  });
  out.playbacks.sort((a, b) => a.occurredAt - b.occurredAt);
  out.impressions.sort((a, b) => a.occurredAt - b.occurredAt);
  return out;
}

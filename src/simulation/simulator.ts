import { COMPLETED_PROGRESS, type Account, type PlaybackEvent, type Profile, type Title } from '../domain/types';
import { Rng, WeightedSampler } from '../shared/random';
import { DAY_MS, HOUR_MS, MINUTE_MS, instantOfWallClock, wallClock, weekdayOf } from '../shared/time';
import type { WorldTruth } from '../world/truth';
import { reported, sessionHours, sessionMoment } from '../world/viewing';
import { browse, titleWorlds, type ViewerState } from './browse';
import { HOMEPAGE_QUERY, servedPage } from './served-page';
import { Tally } from './tally';

/** How the simulator reaches the API: as an account (its token), at a simulated moment. */
export interface SimulatorClient {
  /** Runs one GraphQL operation as the account; `at` is the simulated time (in process the server's clock). Throws on errors. */
  asAccount<T>(accountId: string, query: string, variables: Record<string, unknown>, at: number): Promise<T>;
  /** Whether event times are sent (in process, on the simulated clock) or left to the server (over HTTP, its clock). */
  readonly sendsEventTimes: boolean;
}

export interface SimulationWorld {
  titles: readonly Title[];
  accounts: readonly Account[];
  profiles: readonly Profile[];
  truth: WorldTruth;
  /** The logged history before day 0: where each viewer is in each title. */
  playbacks: readonly PlaybackEvent[];
}

export interface SimulationOptions {
  world: SimulationWorld;
  client: SimulatorClient;
  days: number;
  /** How many profiles take part (the first by id), all if absent. */
  profiles?: number;
  seed: number;
  /** Epoch ms of day 0's midnight (UTC; each account's local midnight is offset from it). */
  start: number;
  /** Experiments whose variants the tally groups units by (their unit: the account or the profile). */
  experiments?: { id: string; unit: 'ACCOUNT' | 'PROFILE' }[];
  /** Called after each day (retraining, progress); gets the day just simulated. */
  endOfDay?: (day: number) => Promise<void>;
}

interface Session {
  at: number;
  profile: Profile;
  hour: number;
  weekday: number;
  device: ReturnType<typeof sessionMoment>['moment']['device'];
  localTime: string;
}

/** The group everything is tallied in when no experiment is named. */
const EVERYONE = 'all';

/**
 * The closed loop (docs/EXPERIMENTS.md, "Simulation"): each day, every taking-part profile
 * arrives at its own hours and devices (src/world/viewing.ts, as the history was written), asks
 * the API for its homepage, browses it as a person would (src/simulation/browse.ts), reports
 * what it looked at with recordImpressions (echoing each item's experiments) and what it played
 * with recordPlayback; a satisfying day brings it back more the next. Sessions of a day run in
 * time order. Deterministic for a seed and an API that answers deterministically.
 */
export async function simulate(o: SimulationOptions): Promise<Tally> {
  const { world, client } = o;
  const accounts = new Map(world.accounts.map((a) => [a.id, a]));
  const titles = titleWorlds(world.titles, world.truth.titles);
  const runtime = (id: string) => titles.get(id)?.title.runtimeMinutes ?? 0;
  const profiles = [...world.profiles].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, o.profiles ?? world.profiles.length);
  const logged = progressOf(world.playbacks);
  const viewers = new Map<string, ViewerState>(
    profiles.map((p) => [p.id, { taste: world.truth.profiles[p.id], progress: logged.get(p.id) ?? new Map(), affinity: new Map() }]),
  );
  const rngs = new Map(profiles.map((p) => [p.id, new Rng(`simulate:${o.seed}:${p.id}`)]));
  const hourSamplers = new Map(profiles.map((p) => [p.id, new WeightedSampler(world.truth.profiles[p.id].hours)]));
  const satisfied = new Map<string, boolean>();
  const groupOf = new Map<string, string>();
  const tally = new Tally(o.days);
  let events = 0;
  // Day 0 starts where the logged history ends: an account east of UTC begins its first day at that moment, not before it.
  let lastEventAt = o.start - 1000;
  for (let day = 0; day < o.days; day++) {
    const sessions: Session[] = [];
    for (const profile of profiles) {
      const account = accounts.get(profile.accountId)!;
      const rng = rngs.get(profile.id)!;
      const taste = world.truth.profiles[profile.id];
      const localMidnight = o.start + day * DAY_MS;
      const weekday = weekdayOf(new Date(localMidnight));
      for (const hour of sessionHours(rng, taste, hourSamplers.get(profile.id)!, weekday, satisfied.get(profile.id) ?? false)) {
        const { minute, moment } = sessionMoment(rng, taste, hour, weekday);
        const at = instantOfWallClock(localMidnight + hour * HOUR_MS + minute * MINUTE_MS, account.timeZone);
        // What the viewer's clock shows: an hour later than drawn when the clocks sprang forward over it.
        const local = wallClock(at, account.timeZone);
        sessions.push({
          at,
          profile,
          hour: local.getUTCHours(),
          weekday: weekdayOf(local),
          device: moment.device,
          localTime: local.toISOString().slice(0, 16),
        });
      }
      satisfied.set(profile.id, false);
    }
    sessions.sort((a, b) => a.at - b.at || (a.profile.id < b.profile.id ? -1 : 1));
    for (const session of sessions) {
      // The API's clock only moves forward: a session starting while the previous one still reports waits for it.
      const s = { ...session, at: Math.max(session.at, lastEventAt + 1000) };
      lastEventAt = s.at;
      const { profile } = s;
      const rng = rngs.get(profile.id)!;
      const viewer = viewers.get(profile.id)!;
      const page = servedPage(
        await client.asAccount(
          profile.accountId,
          HOMEPAGE_QUERY,
          { profileId: profile.id, context: { device: s.device, localTime: s.localTime } },
          s.at,
        ),
      );
      const moment = { device: s.device, localHour: s.hour, localWeekday: s.weekday };
      const { seen, plays } = browse(page, moment, viewer, (id) => titles.get(id)!, rng);
      const shownAt = (k: number) => s.at + 1000 + k * 2000;
      const playedAt = (k: number) => shownAt(seen.indexOf(plays[k].glance)) + 30_000;
      if (seen.length > 0) {
        lastEventAt = shownAt(seen.length - 1);
        await client.asAccount(
          profile.accountId,
          RECORD_IMPRESSIONS,
          {
            events: seen.map((g, k) => ({
              eventId: `sim-${o.seed}-${++events}`,
              profileId: profile.id,
              titleId: g.item.titleId,
              artworkId: g.item.artworkId,
              requestId: page.requestId,
              rowIndex: g.rowIndex,
              position: g.item.position,
              device: s.device,
              ...(client.sendsEventTimes ? { occurredAt: new Date(shownAt(k)) } : {}),
              ...(g.item.experiments.length > 0 ? { experiments: g.item.experiments } : {}),
            })),
          },
          lastEventAt,
        );
      }
      if (plays.length > 0) {
        lastEventAt = playedAt(plays.length - 1);
        await client.asAccount(
          profile.accountId,
          RECORD_PLAYBACK,
          {
            events: plays.map((p, k) => ({
              eventId: `sim-${o.seed}-${++events}`,
              profileId: profile.id,
              titleId: p.glance.item.titleId,
              progress: reported(p.progress),
              device: s.device,
              ...(client.sendsEventTimes ? { occurredAt: new Date(playedAt(k)) } : {}),
            })),
          },
          lastEventAt,
        );
      }
      for (const p of plays) {
        if (p.progress >= COMPLETED_PROGRESS) viewer.progress.delete(p.glance.item.titleId);
        else viewer.progress.set(p.glance.item.titleId, p.progress);
        if (p.satisfied) satisfied.set(profile.id, true);
      }
      tally.note(groupFor(page.experiments, profile, o.experiments, groupOf), unitFor(profile, o.experiments), day, seen, plays, runtime);
    }
    await o.endOfDay?.(day);
  }
  return tally;
}

const RECORD_IMPRESSIONS = `mutation SimulatedImpressions($events: [ImpressionEventInput!]!) { recordImpressions(events: $events) { accepted } }`;
const RECORD_PLAYBACK = `mutation SimulatedPlayback($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted } }`;

/** Where the logged history left each profile: its progress in each title it has not completed. */
function progressOf(playbacks: readonly PlaybackEvent[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const e of [...playbacks].sort((a, b) => a.occurredAt - b.occurredAt)) {
    let mine = out.get(e.profileId);
    if (!mine) out.set(e.profileId, (mine = new Map()));
    if (e.progress >= COMPLETED_PROGRESS) mine.delete(e.titleId);
    else mine.set(e.titleId, e.progress);
  }
  return out;
}

/** The unit the first named experiment randomises (the tally's unit), or the profile. */
function unitFor(profile: Profile, experiments: SimulationOptions['experiments']): string {
  return experiments?.[0]?.unit === 'ACCOUNT' ? profile.accountId : profile.id;
}

/**
 * The variant of the first named experiment the page was built under, remembered per profile
 * (a unit keeps its variant); EVERYONE without experiments, `none` for a profile outside them.
 */
function groupFor(
  pageExperiments: readonly { experimentId: string; variant: string }[],
  profile: Profile,
  experiments: SimulationOptions['experiments'],
  known: Map<string, string>,
): string {
  if (!experiments?.length) return EVERYONE;
  const variant = pageExperiments.find((x) => x.experimentId === experiments[0].id)?.variant;
  if (variant) known.set(profile.id, variant);
  return known.get(profile.id) ?? 'none';
}

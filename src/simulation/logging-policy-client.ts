import {
  allowedFor,
  COMPLETED_PROGRESS,
  type Account,
  type ImpressionEvent,
  type PlaybackEvent,
  type Profile,
  type Title,
} from '../domain/types';
import { Rng, WeightedSampler } from '../shared/random';
import { affinity, titleFacts } from '../world/behaviour';
import { loggingPolicyPage, personalPool, ROW_LENGTH } from '../world/logging-policy';
import type { WorldTruth } from '../world/truth';
import type { SimulatorClient } from './simulator';

interface ViewerPages {
  personal: number[];
  progress: Map<number, number>;
  lastPlayed: Map<number, number>;
  completed: Set<number>;
  members: number[];
  sampler: WeightedSampler;
}

type Variables = Record<string, unknown>;

/**
 * A stand-in for the API that serves the world's logging policy (src/world/logging-policy.ts)
 * instead of recommendations, and keeps what the simulated viewers report. Run through it, the
 * simulator should write data like the logged history: the validity check of the simulator's
 * viewer model (test/unit/simulation-validity.test.ts).
 */
export class LoggingPolicyClient implements SimulatorClient {
  readonly sendsEventTimes = true;
  readonly impressions: ImpressionEvent[] = [];
  readonly playbacks: PlaybackEvent[] = [];
  private readonly viewers = new Map<string, ViewerPages>();
  private readonly index: Map<string, number>;
  private readonly rng: Rng;

  constructor(
    private readonly world: {
      titles: readonly Title[];
      profiles: readonly Profile[];
      accounts: readonly Account[];
      truth: WorldTruth;
      playbacks: readonly PlaybackEvent[];
    },
    seed: number,
  ) {
    this.index = new Map(world.titles.map((t, i) => [t.id, i]));
    this.rng = new Rng(`logging-policy:${seed}`);
  }

  async asAccount<T>(_accountId: string, query: string, variables: Variables, at: number): Promise<T> {
    if (query.includes('recordImpressions')) return this.keep(variables, 'impressions') as T;
    if (query.includes('recordPlayback')) return this.keep(variables, 'playbacks') as T;
    return this.page(String(variables.profileId), at) as T;
  }

  private page(profileId: string, at: number) {
    const v = this.viewer(profileId);
    const available = (i: number) => this.world.titles[i].addedAt <= at && !v.completed.has(i);
    const resume = [...v.progress.keys()]
      .filter(available)
      .sort((a, b) => v.lastPlayed.get(b)! - v.lastPlayed.get(a)!)
      .slice(0, ROW_LENGTH);
    const slots = loggingPolicyPage(this.rng, { resume, personal: v.personal, popular: v, available });
    const rows = new Map<number, { position: number; title: { id: string }; artwork: { id: string }; experiments: [] }[]>();
    for (const s of slots) {
      const title = this.world.titles[s.index];
      const item = {
        position: s.position,
        title: { id: title.id },
        artwork: { id: this.rng.pick(title.artwork).id },
        experiments: [] as [],
      };
      rows.set(s.rowIndex, [...(rows.get(s.rowIndex) ?? []), item]);
    }
    return {
      homepage: {
        requestId: `policy-${profileId}-${at}`,
        experiments: [],
        rows: [...rows].map(([position, items]) => ({
          position,
          kind: position === 0 && resume.length > 0 ? 'CONTINUE_WATCHING' : 'GENRE',
          items,
        })),
      },
    };
  }

  private keep(variables: Variables, into: 'impressions' | 'playbacks') {
    const events = (variables.events as Record<string, unknown>[]).map((e) => ({ ...e, occurredAt: (e.occurredAt as Date).getTime() }));
    if (into === 'impressions') this.impressions.push(...(events as unknown as ImpressionEvent[]));
    else
      for (const e of events as unknown as PlaybackEvent[]) {
        this.playbacks.push(e);
        this.played(this.viewer(e.profileId), e);
      }
    return { [into === 'impressions' ? 'recordImpressions' : 'recordPlayback']: { accepted: events.length } };
  }

  /** The viewer's pool and state, from the logged history the first time it asks for a page. */
  private viewer(profileId: string): ViewerPages {
    let v = this.viewers.get(profileId);
    if (v) return v;
    const profile = this.world.profiles.find((p) => p.id === profileId)!;
    const members = this.world.titles.map((t, i) => (allowedFor(profile.maturityLimit, t.maturityTier) ? i : -1)).filter((i) => i >= 0);
    const taste = this.world.truth.profiles[profileId];
    const aff = new Float32Array(this.world.titles.length);
    for (const i of members) aff[i] = affinity(taste, titleFacts(this.world.titles[i]), this.world.truth.titles[this.world.titles[i].id]);
    v = {
      personal: personalPool(this.rng, members, aff),
      progress: new Map(),
      lastPlayed: new Map(),
      completed: new Set(),
      members,
      sampler: new WeightedSampler(members.map((i) => Math.exp(this.world.truth.titles[this.world.titles[i].id].buzz))),
    };
    for (const e of this.world.playbacks) if (e.profileId === profileId) this.played(v, e);
    this.viewers.set(profileId, v);
    return v;
  }

  /** Where a play leaves the viewer: the title's progress, or completed. */
  private played(v: ViewerPages, e: PlaybackEvent): void {
    const i = this.index.get(e.titleId)!;
    v.lastPlayed.set(i, e.occurredAt);
    if (e.progress >= COMPLETED_PROGRESS) {
      v.completed.add(i);
      v.progress.delete(i);
    } else v.progress.set(i, e.progress);
  }
}

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeNeo4j, NEO4J_URI, openEmptyNeo4jStore } from '../support/neo4j';
import { describeRedis, startRedis, type RedisProcess } from '../support/redis';
import { startServerProcess, stopProcess, type ServerProcess } from '../support/server-process';
import type { TokenPrincipal } from '../../src/auth/principal';

const AUTH_SECRET = 'replicas-test-secret-of-at-least-32-characters';
/** Partners get this many requests a minute, across both replicas together. */
const PARTNER_QUOTA = 30;
const TV = { device: 'TV', localTime: '2026-11-27T20:00' };
const PAGE = `query($id: ID!, $context: ViewingContextInput) {
  homepage(profileId: $id, context: $context) { requestId rows { kind items { title { id } artwork { id } sources } } }
}`;
const SHOWN = 'query($id: ID!) { profile(id: $id) { dataSummary { recentlyShownTitles playbackEvents } } }';

interface Page {
  requestId: string;
  rows: { kind: string; items: { title: { id: string }; artwork: { id: string }; sources: string[] }[] }[];
}

/** Polls `check` every 50 ms until it holds, at most `boundMs / 50` times (no clock read), else fails with the last value. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, boundMs = 15_000): Promise<void> {
  let last: T | undefined;
  for (let attempt = 0; attempt < boundMs / 50; attempt++) {
    last = await read();
    if (check(last)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`still not so after ${boundMs} ms: ${JSON.stringify(last).slice(0, 300)}`);
}

/**
 * Two API replicas on one Neo4j and one Redis (STATE=redis), as behind a load balancer, the
 * second a cluster of two workers (WORKERS=2): what
 * one replica records reaches the other's counters and pages, an erasure on one takes the
 * profile out of the other's counters, a quota holds across both, and losing Redis degrades both
 * to their local view until it returns, after which they catch up from the store.
 */
describeRedis('replicas sharing state through Redis', () => {
  describeNeo4j('two API processes, one Neo4j, one Redis', () => {
    let redis: RedisProcess;
    let dataDir: string;
    let a: ServerProcess;
    let b: ServerProcess;
    const as: TokenPrincipal = { kind: 'account', accountId: 'a1' };

    beforeAll(async () => {
      await (await openEmptyNeo4jStore()).close();
      redis = await startRedis();
      dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'replicas-'));
      const env = {
        STORE: 'neo4j',
        NEO4J_URI: NEO4J_URI!,
        STATE: 'redis',
        REDIS_URL: redis.url,
        // One data directory, as replicas share a volume for model bundles.
        DATA_DIR: dataDir,
        WORLD_SIZE: 'small',
        AUTH_SECRET,
        // Every page is built afresh, so each read shows the replica's counters as they are.
        HOMEPAGE_CACHE_SECONDS: '0',
        RATE_LIMIT_PARTNER: String(PARTNER_QUOTA),
        MODEL_POLL_SECONDS: '0',
        // Each replica would read the running experiments only hourly: a start must reach it through Redis.
        EXPERIMENT_REFRESH_SECONDS: '3600',
      };
      // The first loads the world into Neo4j and trains; the second finds both done. The second is
      // itself two workers behind one port (WORKERS=2), as one machine's cores run it: whichever
      // worker answers, it must hold what A did.
      a = await startServerProcess(env, 300_000);
      b = await startServerProcess({ ...env, WORKERS: '2' }, 180_000);
    }, 600_000);

    afterAll(async () => {
      await Promise.all([a, b].filter(Boolean).map((s) => stopProcess(s.child)));
      await redis?.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    });

    const page = async (server: ServerProcess, profileId: string): Promise<Page> => {
      const res = await server.gql(PAGE, { id: profileId, context: TV }, as);
      expect(res.errors).toBeUndefined();
      return res.data.homepage;
    };
    const items = (p: Page) => p.rows.flatMap((r) => r.items);
    const shown = async (server: ServerProcess, profileId: string): Promise<number> => {
      const res = await server.gql(SHOWN, { id: profileId }, as);
      expect(res.errors).toBeUndefined();
      return res.data.profile.dataSummary.recentlyShownTitles;
    };
    /** Records on `server` that `profileId` was shown `shownItems`, in order. */
    const recordShown = (server: ServerProcess, profileId: string, shownItems: Page['rows'][number]['items'], idPrefix: string) =>
      server.gql(
        'mutation($events: [ImpressionEventInput!]!) { recordImpressions(events: $events) { accepted } }',
        {
          events: shownItems.map((item, k) => ({
            eventId: `${idPrefix}-${k}`,
            profileId,
            titleId: item.title.id,
            artworkId: item.artwork.id,
            requestId: idPrefix,
            rowIndex: 0,
            position: k,
            device: 'TV',
          })),
        },
        as,
      );
    const readiness = async (server: ServerProcess): Promise<{ ready: boolean; sharedState?: string }> =>
      (await fetch(`${server.url}/health/ready`)).json() as Promise<{ ready: boolean; sharedState?: string }>;
    /** Two adult profiles of account a1: one plays, the other (same country) sees trending move. */
    let player: string;
    let viewer: string;

    beforeAll(async () => {
      const res = await a.gql('{ profile(id: "a1-p1") { account { profiles { id isKids } } } }', {}, as);
      const adults = (res.data.profile.account.profiles as { id: string; isKids: boolean }[]).filter((p) => !p.isKids);
      expect(adults.length).toBeGreaterThanOrEqual(2);
      [player, viewer] = adults.map((p) => p.id);
    });

    it("moves the other replica's trending and the player's page when one replica records plays, and takes them out when it erases", async () => {
      const before = await page(b, viewer);
      // A title the viewer is offered, but not as trending: three plays now make it the country's most played this week.
      const target = items(before).find((i) => !i.sources.includes('TRENDING'))!.title.id;
      const playerBefore = await page(b, player);
      const played = await a.gql(
        'mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted } }',
        {
          events: [1, 2, 3].map((n) => ({ eventId: `replica-play-${n}`, profileId: player, titleId: target, progress: 0.4, device: 'TV' })),
        },
        as,
      );
      expect(played.data.recordPlayback.accepted).toBe(3);
      const trendingOnB = (p: Page) => items(p).some((i) => i.title.id === target && i.sources.includes('TRENDING'));
      await eventually(() => page(b, viewer), trendingOnB);
      // The player's own page on B: the title is being watched now.
      const continueOnB = (p: Page) => p.rows.some((r) => r.kind === 'CONTINUE_WATCHING' && r.items.some((i) => i.title.id === target));
      expect(continueOnB(playerBefore)).toBe(false);
      expect(continueOnB(await page(b, player))).toBe(true);

      // Impressions recorded on A count on B (the ranker's exposure features of the profile).
      const shownBefore = await shown(b, player);
      const onA = items(await page(a, player)).slice(0, 4);
      const impressions = await recordShown(a, player, onA, 'replica-shown');
      expect(impressions.data.recordImpressions.accepted).toBe(onA.length);
      await eventually(
        () => shown(b, player),
        (n) => n >= shownBefore + new Set(onA.map((i) => i.title.id)).size,
      );

      // An erasure on A: B's counters lose the player's plays (the title leaves trending) and its exposure.
      const erased = await a.gql('mutation($id: ID!) { deleteViewingHistory(profileId: $id) { playbackEvents } }', { id: player }, as);
      expect(erased.errors).toBeUndefined();
      await eventually(
        () => shown(b, player),
        (n) => n === 0,
      );
      await eventually(
        () => page(b, viewer),
        (p) => !trendingOnB(p),
      );
    });

    it('starts and stops an experiment on every replica at once', async () => {
      const admin: TokenPrincipal = { kind: 'admin', name: 'ops' };
      const running = async (server: ServerProcess) =>
        (
          (await server.gql('query($id: ID!) { homepage(profileId: $id) { experiments { experimentId } } }', { id: viewer }, as)).data
            .homepage.experiments as { experimentId: string }[]
        ).map((x) => x.experimentId);
      expect(await running(b)).toEqual([]);
      const input = {
        id: 'replicas-exploration',
        description: 'more exploration',
        hypothesis: 'more plays per page view',
        lever: 'EXPLORATION',
        primaryMetric: 'PLAYS_PER_PAGE_VIEW',
        variants: [
          { name: 'control', weight: 0.5, settings: {} },
          { name: 'more', weight: 0.5, settings: { share: 0.3 } },
        ],
      };
      const created = await a.gql('mutation($input: NewExperimentInput!) { createExperiment(input: $input) { id } }', { input }, admin);
      expect(created.errors).toBeUndefined();
      const started = await a.gql('mutation($id: ID!) { startExperiment(id: $id) { status } }', { id: input.id }, admin);
      expect(started.errors).toBeUndefined();
      await eventually(
        () => running(b),
        (ids) => ids.includes(input.id),
      );
      await a.gql('mutation($id: ID!) { stopExperiment(id: $id) { status } }', { id: input.id }, admin);
      await eventually(
        () => running(b),
        (ids) => ids.length === 0,
      );
    });

    it('holds a quota per minute across both replicas', async () => {
      const partner: TokenPrincipal = { kind: 'partner', partner: 'replica-partner' };
      const statuses: number[] = [];
      for (let k = 0; k < 20; k++) {
        for (const server of [a, b]) {
          const res = await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.sign(partner)}` },
            body: JSON.stringify({ query: '{ __typename }' }),
          });
          statuses.push(res.status);
        }
      }
      // 40 requests, 20 on each replica: one quota of 30 between them, not 30 each.
      expect(statuses.filter((s) => s === 200)).toHaveLength(PARTNER_QUOTA);
      expect(statuses.filter((s) => s === 429)).toHaveLength(40 - PARTNER_QUOTA);
    });

    it('serves from the local view while Redis is down, says so, and catches up from the store when Redis returns empty', async () => {
      expect(await readiness(a)).toMatchObject({ ready: true, sharedState: 'connected' });
      await redis.kill();
      await eventually(
        () => readiness(a),
        (r) => r.sharedState === 'degraded',
      );
      await eventually(
        () => readiness(b),
        (r) => r.sharedState === 'degraded',
      );
      // Writes go on (to the store), and pages are served.
      const onA = items(await page(a, viewer)).slice(0, 3);
      const recorded = await recordShown(a, viewer, onA, 'outage-shown');
      expect(recorded.errors).toBeUndefined();
      expect(recorded.data.recordImpressions.accepted).toBe(onA.length);
      expect((await page(b, viewer)).rows.length).toBeGreaterThan(0);
      const expected = await shown(a, viewer);

      await redis.restart();
      for (const server of [a, b])
        await eventually(
          () => readiness(server),
          (r) => r.sharedState === 'connected',
          30_000,
        );
      // B never heard of A's impressions: it rebuilt its counters from the store.
      await eventually(
        () => shown(b, viewer),
        (n) => n === expected,
        30_000,
      );
      // Polled: B's two workers rebuild each on its own; /metrics sums their rebuilds and reads the lowest connection state.
      await eventually(
        async () => (await fetch(`${b.url}/metrics`)).text(),
        (metrics) => /^shared_state_rebuilds_total [1-9]/m.test(metrics) && /^shared_state_connected 1/m.test(metrics),
        30_000,
      );
    });
  });
});

import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Authenticator } from '../../src/auth/authenticator';
import { startApp, type RunningApp } from '../../src/server/app';
import { DEFAULT_SERVER_SETTINGS } from '../../src/server/settings';
import { AFTER_LAST_PLAY, startHarness, type AppHarness } from '../support/app-harness';
import { Tally } from '../support/fuzz-verdicts';
import { hostileRequests, type FuzzFixture } from '../support/hostile-requests';
import { send, type RawRequest } from '../support/raw-http';

/** Fixed, so that a failure names requests that come back on every run. */
const SEED = 20_261_206;
const REQUESTS = 4_000;
/** A normal homepage request after every this many hostile ones: the server still serves while attacked. */
const PROBE_EVERY = 25;
/** Only a hang reaches it: generous, for slow shared CI machines. */
const ANSWER_WITHIN_MS = 60_000;

describe('seeded fuzz: thousands of malformed and hostile requests over HTTP', () => {
  let harness: AppHarness;
  let app: RunningApp;
  let tight: RunningApp;
  let fixture: FuzzFixture;
  let probe: RawRequest;
  /** Errors the server logged: each is something it did not expect (an INTERNAL_SERVER_ERROR or a 5xx). */
  const logged: string[] = [];

  beforeAll(async () => {
    // No page cache: every homepage, the probes' and the fuzzed ones, runs the whole pipeline.
    harness = await startHarness({ cacheSeconds: 0 });
    const logger = pino({ level: 'error', base: undefined }, { write: (line: string) => void logged.push(line) });
    const services = harness.services;
    // Quotas count per minute of the wall clock, so with them which requests are refused would
    // depend on the machine's speed; the quota family goes to a second server whose quotas are tiny.
    app = await startApp({
      services,
      auth: harness.auth,
      logger,
      settings: { ...DEFAULT_SERVER_SETTINGS, requestsPerMinute: { account: 1e9, partner: 1e9, admin: 1e9, anonymous: 1e9 } },
    });
    tight = await startApp({
      services,
      auth: harness.auth,
      logger,
      settings: { ...DEFAULT_SERVER_SETTINGS, requestsPerMinute: { account: 5, partner: 5, admin: 5, anonymous: 5 } },
    });

    const { world, auth } = harness;
    const profilesOf = (accountId: string) => world.profiles.filter((p) => p.accountId === accountId).map((p) => p.id);
    // The probe's account is one the fuzz never acts as, so no fuzzed write changes its pages.
    const [probeAccount, ...others] = world.accounts.filter((a) => profilesOf(a.id).length > 0).reverse();
    const fuzzAccounts = others.slice(0, 12);
    const sign = (a: Authenticator, accountId: string) => a.sign({ kind: 'account', accountId }, 3600);
    const earlier = new Authenticator({ secret: harness.secret, anonymousCatalog: false }, () => AFTER_LAST_PLAY - 2 * 3_600_000);
    const stranger = new Authenticator({ secret: randomBytes(32).toString('base64url'), anonymousCatalog: false }, () => AFTER_LAST_PLAY);
    fixture = {
      accounts: await Promise.all(fuzzAccounts.map(async (a) => ({ id: a.id, profiles: profilesOf(a.id), token: await sign(auth, a.id) }))),
      foreignProfiles: world.profiles.filter((p) => !fuzzAccounts.some((a) => a.id === p.accountId)).map((p) => p.id),
      titles: world.titles.slice(0, 200).map((t) => ({ id: t.id, artworks: t.artwork.map((a) => a.id) })),
      genres: [...new Set(world.titles.flatMap((t) => t.genres))],
      tokens: {
        partner: await Promise.all(['acme', 'globex'].map((partner) => auth.sign({ kind: 'partner', partner }, 3600))),
        admin: [await auth.sign({ kind: 'admin', name: 'ops' }, 3600)],
        expired: await Promise.all(fuzzAccounts.slice(0, 3).map((a) => sign(earlier, a.id))),
        otherSecret: await Promise.all(fuzzAccounts.slice(0, 3).map((a) => sign(stranger, a.id))),
        unknownAccount: await Promise.all(['zz-nobody', "a1' OR 1=1 //", '__proto__'].map((id) => sign(auth, id))),
      },
    };
    const query = `query($id: ID!) { homepage(profileId: $id, context: { device: TV, localTime: "2026-11-27T20:00" }) { requestId rows { items { title { id } } } } }`;
    probe = {
      method: 'POST',
      path: '/graphql',
      headers: [['content-type', 'application/json'], ...Object.entries(await harness.headersFor({ as: probeAccount.id }))],
      body: JSON.stringify({ query, variables: { id: profilesOf(probeAccount.id)[0] } }),
    };
  });

  afterAll(async () => {
    await app?.close();
    await tight?.close();
    await harness?.close();
  });

  /** A normal client's homepage: answered in full, with rows. */
  async function expectHomepage(on: RunningApp): Promise<void> {
    const res = await send(new URL(on.url), probe, ANSWER_WITHIN_MS);
    expect(res.failure).toBeUndefined();
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.errors).toBeUndefined();
    expect(body.data.homepage.rows.length).toBeGreaterThan(0);
  }

  it('answers every one with a client status, JSON and a code of its own, and keeps serving homepages throughout', async () => {
    const tally = new Tally();
    let index = 0;
    try {
      for (const req of hostileRequests(SEED, REQUESTS, fixture)) {
        const res = await send(new URL((req.tightQuota ? tight : app).url), req, ANSWER_WITHIN_MS);
        tally.record(req, res, index++);
        if (index % PROBE_EVERY === 0) {
          await expectHomepage(app);
          tally.probes++;
        }
      }
    } finally {
      // Also when a probe fails: how far the run got and what it had seen.
      console.log(tally.summary(SEED));
    }
    await expectHomepage(app);
    for (const on of [app, tight])
      expect((await send(new URL(on.url), { method: 'GET', path: '/health/live', headers: [] }, ANSWER_WITHIN_MS)).status).toBe(200);

    expect(tally.requests).toBe(REQUESTS);
    // All of them at once, each with the request that caused it: one run names every defect.
    const serverErrors = [...new Set(logged.map((line) => `${JSON.parse(line).msg}: ${JSON.parse(line).err?.message}`))];
    expect({ violations: tally.violationReport(), serverErrors }).toEqual({ violations: [], serverErrors: [] });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import type { TokenPrincipal } from '../../src/auth/principal';
import { startHarness, type AppHarness } from '../support/app-harness';

/** Every GraphQL example in the README, run as written against the API on the test world, with the header it says to send. */
const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const EXAMPLES = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
/** e.g. `# Authorization: Bearer $TOKEN    (TOKEN=$(npm run -s token -- --account a1))` */
const HEADER_LINE = /^# (Authorization: Bearer|X-API-Key:) \$(\w+) +\(\2=\$\(npm run -s token -- --(account|partner|admin) (\S+)\)\)$/m;

/** The header an example's first line tells the reader to send, and whose token goes in it. */
function headerOf(example: string): { name: string; prefix: string; principal: TokenPrincipal } {
  const m = HEADER_LINE.exec(example);
  if (!m) throw new Error(`example does not say which header to send:\n${example}`);
  const [, header, , role, subject] = m;
  const principal: TokenPrincipal =
    role === 'account'
      ? { kind: 'account', accountId: subject }
      : role === 'partner'
        ? { kind: 'partner', partner: subject }
        : { kind: 'admin', name: subject };
  return header === 'X-API-Key:' ? { name: 'x-api-key', prefix: '', principal } : { name: 'authorization', prefix: 'Bearer ', principal };
}

describe('README examples', () => {
  let app: AppHarness;
  beforeAll(async () => (app = await startHarness()), 120_000);
  afterAll(() => app.close());

  it('finds the examples', () => expect(EXAMPLES.length).toBeGreaterThanOrEqual(6));

  it.each(
    EXAMPLES.map((q, i) => [
      i,
      q
        .split('\n')
        .find((l) => l.trim() && !l.trim().startsWith('#'))!
        .trim(),
      q,
    ]),
  )('example %i (%s) runs without errors', async (_i, _first, query) => {
    const header = headerOf(query as string);
    const headers = { [header.name]: `${header.prefix}${await app.auth.sign(header.principal, 600)}` };
    const { data, errors } = await app.run(query as string, undefined, { headers });
    expect(errors).toBeUndefined();
    expect(data).toBeTruthy();
    // Without the header the example is refused: the line is not decoration.
    expect((await app.run(query as string, undefined, { anonymous: true })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('shows the header in the curl example', () => {
    const curl = /```bash\n(TOKEN=\$\(npm run -s token -- --account \w+\)\ncurl [^`]*)```/.exec(README);
    expect(curl?.[1]).toContain('-H "authorization: Bearer $TOKEN"');
  });
});

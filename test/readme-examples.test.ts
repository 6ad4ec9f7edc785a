import fs from 'node:fs';
import path from 'node:path';
import { startHarness, type AppHarness } from './support/app-harness';

/** Every GraphQL example in the README, run as written against the API on the test world. */
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const EXAMPLES = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  let app: AppHarness;
  beforeAll(async () => (app = await startHarness()), 120_000);
  afterAll(() => app.close());

  it('finds the examples', () => expect(EXAMPLES.length).toBeGreaterThanOrEqual(6));

  it.each(EXAMPLES.map((q, i) => [i, q.split('\n').find((l) => l.trim() && !l.trim().startsWith('#'))!.trim(), q]))('example %i (%s) runs without errors', async (_i, _first, query) => {
    const { data, errors } = await app.run(query as string);
    expect(errors).toBeUndefined();
    expect(data).toBeTruthy();
  });
});

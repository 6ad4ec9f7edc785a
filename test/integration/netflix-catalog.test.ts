import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import type { Store } from '../../graph/store';
import type { SimilarEdge, Title } from '../../src/domain/types';
import { projectRoot } from '../../src/shared/paths';
import { readCatalogFile } from '../../src/import/catalog-file';
import { buildSimilarityGraph } from '../../src/similarity/similarity-graph';
import { observable, worldAroundCatalog } from '../../src/world/generate';
import { type Dataset } from '../../src/domain/dataset';
import { sharedDataFile } from '../support/fixture-data';
import { holdNeo4jWhileRunning, NEO4J_URI, openEmptyNeo4jStore } from '../support/neo4j';

const FILE = sharedDataFile('netflix-titles', 'netflix_titles.csv');
const present = existsSync(FILE);
if (!present) console.warn(`netflix catalog tests skipped: ${FILE} is absent (CI has it)`);

/** Well-known Korean crime series in the file: Signal, Stranger (Secret Forest), Voice, Bad Guys. */
const KOREAN_CRIME = ['nf-s1065', 'nf-s2123', 'nf-s1770', 'nf-s3607'];
const koreanOrCrime = (t: Title) => t.country === 'KR' || t.genres.some((g) => /Crime|Korean/.test(g));

(present ? describe : describe.skip)('the real Netflix catalog', () => {
  let data: Dataset;
  let similarity: SimilarEdge[];
  let byId: Map<string, Title>;

  beforeAll(async () => {
    const { titles } = await readCatalogFile(FILE);
    data = observable(worldAroundCatalog(titles, 'small', 7));
    similarity = buildSimilarityGraph(data.titles, data.playbacks);
    byId = new Map(titles.map((t) => [t.id, t]));
  }, 120_000);

  /** The spot check of the README: a Korean crime series' neighbours are mostly Korean and/or crime. */
  async function spotCheck(store: Store) {
    const answers = [];
    for (const id of KOREAN_CRIME) {
      const top = await store.similarTitles(id, 10);
      expect(top).toHaveLength(10);
      expect(top.filter((e) => koreanOrCrime(byId.get(e.to)!)).length).toBeGreaterThanOrEqual(8);
      answers.push(top);
    }
    return answers;
  }

  /** What both stores must answer: the builder's edges, best first. */
  const expected = (id: string) =>
    similarity
      .filter((e) => e.from === id)
      .sort((a, b) => b.score - a.score || (a.to < b.to ? -1 : 1))
      .slice(0, 10);

  it('loads into the embedded store, where Korean crime series have Korean and crime neighbours', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netflix-'));
    const store = await EmbeddedStore.open(dir);
    await store.bulkLoad(data, similarity);
    expect((await store.listTitles()).length).toBe(data.titles.length);
    expect(await spotCheck(store)).toEqual(KOREAN_CRIME.map(expected));
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  }, 120_000);

  (NEO4J_URI ? describe : describe.skip)('on Neo4j', () => {
    holdNeo4jWhileRunning();
    it('loads into Neo4j with the same neighbours in the same order', async () => {
      const store = await openEmptyNeo4jStore();
      await store.bulkLoad(data, similarity);
      expect(await spotCheck(store)).toEqual(KOREAN_CRIME.map(expected));
      await store.close();
    }, 300_000);
  });

  it('imports through `npm run import` into an empty DATA_DIR, and refuses a second import', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-'));
    const cli = path.join(projectRoot(), 'dist', 'src', 'setup', 'import-cli.js');
    const env = { ...process.env, DATA_DIR: dataDir, STORE: 'embedded', WORLD_SIZE: 'small', LOG_LEVEL: 'warn' };
    const args = [cli, '--catalog', 'netflix-titles', '--path', FILE];
    const { stdout } = await promisify(execFile)(process.execPath, args, { env });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({
      store: 'embedded',
      titles: data.titles.length,
      profiles: data.profiles.length,
    });
    const again = await promisify(execFile)(process.execPath, args, { env }).catch((err) => err);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a dataset/);
    await fs.rm(dataDir, { recursive: true, force: true });
  }, 180_000);
});

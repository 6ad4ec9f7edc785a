import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/shared/paths';
import { startServerProcess, stopProcess, type ServerProcess } from '../support/server-process';

const CLI = path.join(projectRoot(), 'dist', 'src', 'server', 'experiment-cli.js');
const run = promisify(execFile);
const HOMEPAGE = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) { experiments { experimentId variant } } }`;

/**
 * `npm run experiment` against a real server process: create from a file, start, list, report as
 * tables, stop; a refused definition exits 1 naming its code; and a unit keeps its variant
 * across a restart of the server (nothing is stored per unit).
 */
describe('npm run experiment (real server process)', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [CLI, '--url', `${server!.url}/graphql`, ...args], {
        env: { ...process.env, ...env },
      });
      return { code: 0, stdout, stderr: '' };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'experiment-cli-'));
    env = { DATA_DIR: dataDir, WORLD_SIZE: 'small', WORLD_SEED: '11', EXPERIMENT_REFRESH_SECONDS: '0.5' };
    server = await startServerProcess(env, 240_000);
  }, 300_000);
  afterAll(async () => {
    if (server) await stopProcess(server.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('creates, starts, lists, reports and stops an experiment; refuses an overlapping one with its code', async () => {
    const file = path.join(dataDir, 'fixed-rows.json');
    await fs.writeFile(
      file,
      JSON.stringify({
        id: 'fixed-rows',
        description: 'Rows in a fixed editorial order against personalized placement',
        hypothesis: 'Personalized row placement raises plays per page view',
        lever: 'ROW_PLACEMENT',
        primaryMetric: 'PLAYS_PER_PAGE_VIEW',
        trafficShare: 0.8,
        variants: [
          { name: 'personalized', weight: 0.5 },
          { name: 'fixed', weight: 0.5, settings: { policy: 'FIXED' } },
        ],
      }),
    );
    const created = await cli('create', file);
    expect(created.stdout).toMatch(/fixed-rows: DRAFT AB on ROW_PLACEMENT by ACCOUNT, 80\.0% of traffic/);
    await fs.writeFile(
      path.join(dataDir, 'overlap.json'),
      JSON.stringify({ ...JSON.parse(await fs.readFile(file, 'utf8')), id: 'other', layerStart: 0.5, trafficShare: 0.5 }),
    );
    const refused = await cli('create', path.join(dataDir, 'overlap.json'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CONFLICT LAYER_OVERLAP/);
    expect((await cli('start', 'fixed-rows')).stdout).toMatch(/RUNNING/);
    expect((await cli('start', 'fixed-rows')).stderr).toMatch(/CONFLICT ALREADY_STARTED/);
    const list = await cli('list');
    expect(list.stdout).toMatch(/fixed-rows\s+RUNNING\s+AB\s+ROW_PLACEMENT\s+ACCOUNT\s+\[0, 0\.8\)/);

    const profiles = (await server!.gql('{ profiles(first: 10) { nodes { id isKids } } }')).data.profiles.nodes.filter(
      (p: { isKids: boolean }) => !p.isKids,
    );
    const before = [];
    for (const p of profiles) before.push((await server!.gql(HOMEPAGE, { id: p.id })).data.homepage.experiments);
    expect(before.some((x) => x.length === 1)).toBe(true);

    const report = await cli('report', 'fixed-rows');
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/variant\s+weight\s+units\s+page views/);
    expect(report.stdout).toMatch(/\* PLAYS_PER_PAGE_VIEW\s+fixed/);
    expect(report.stdout).toMatch(/LATENCY_P99\s+fixed/);
    const json = JSON.parse((await cli('report', 'fixed-rows', '--json')).stdout);
    expect(json.experiment.id).toBe('fixed-rows');
    expect(json.variants.map((v: { name: string }) => v.name)).toEqual(['personalized', 'fixed']);
    expect(json.variants.reduce((s: number, v: { units: number }) => s + v.units, 0)).toBeGreaterThan(0);

    // After a restart every unit draws the same variant again.
    await stopProcess(server!.child);
    server = await startServerProcess(env, 240_000);
    const after = [];
    for (const p of profiles) after.push((await server.gql(HOMEPAGE, { id: p.id })).data.homepage.experiments);
    expect(after).toEqual(before);

    expect((await cli('stop', 'fixed-rows')).stdout).toMatch(/STOPPED/);
    expect((await cli('report', 'nope')).stderr).toMatch(/NOT_FOUND/);
  }, 600_000);
});

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SCHEMA_FILE } from '../../src/server/schema';
import { projectRoot } from '../../src/shared/paths';

const run = promisify(execFile);
const dist = (file: string) => path.join(projectRoot(), 'dist', file);
const BENCHES = ['homepage', 'graph', 'hnsw', 'retrieval', 'ranking', 'http', 'privacy', 'abuse', 'simulate', 'replicas', 'sizes'];

/** Every npm CLI (compiled, as `npm run …` runs it): the arguments before --help, and the usage line it prints. */
const CLIS: [string, string[], string][] = [
  ['src/server/main.js', [], 'start'],
  ['src/server/token-cli.js', [], 'token'],
  ['src/server/emit-schema.js', [], 'schema'],
  ['src/server/experiment-cli.js', [], 'experiment'],
  ['src/server/experiment-cli.js', ['report'], 'experiment report'],
  ['src/server/monitor-cli.js', [], 'monitor'],
  ['src/server/simulate-cli.js', [], 'simulate'],
  ['src/world/cli.js', [], 'world'],
  ['src/eval/cli.js', [], 'eval'],
  ['src/setup/import-cli.js', [], 'import'],
  ['src/training/cli.js', [], 'train'],
  ['bench/run.js', [], 'bench'],
  ...BENCHES.map((name): [string, string[], string] => ['bench/run.js', [name], `bench ${name}`]),
];

/**
 * `--help` and `-h` on every CLI print its usage and exit 0 without starting work: run in an empty
 * folder with DATA_DIR inside it, nothing appears there (no data, secret, world, model or report),
 * and schema/schema.graphql is not rewritten.
 */
describe('every CLI answers --help without doing anything', () => {
  let cwd: string;
  let schemaBefore: { text: string; mtimeMs: number };
  beforeAll(async () => {
    cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-help-'));
    schemaBefore = { text: await fs.readFile(SCHEMA_FILE, 'utf8'), mtimeMs: (await fs.stat(SCHEMA_FILE)).mtimeMs };
  });
  afterAll(() => fs.rm(cwd, { recursive: true, force: true }));

  it.each(
    CLIS.flatMap(([file, args, usage]) => ['--help', '-h'].map((flag) => [`${usage} ${flag}`, file, [...args, flag], usage] as const)),
  )('%s', async (_title, file, args, usage) => {
    const env = { ...process.env, DATA_DIR: path.join(cwd, 'data'), LOG_LEVEL: 'warn' };
    const { stdout } = await run(process.execPath, [dist(file), ...args], { cwd, env, timeout: 120_000 });
    expect(stdout.startsWith(`Usage: ${usage} [options]`)).toBe(true);
    expect(await fs.readdir(cwd)).toEqual([]);
    expect(await fs.readFile(SCHEMA_FILE, 'utf8')).toBe(schemaBefore.text);
    expect((await fs.stat(SCHEMA_FILE)).mtimeMs).toBe(schemaBefore.mtimeMs);
  });

  it('lists every benchmark with one line each', async () => {
    const { stdout } = await run(process.execPath, [dist('bench/run.js'), '--help'], { cwd });
    for (const name of BENCHES) expect(stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSimulateArgs, runSimulation } from '../../src/server/simulate-cli';

/** `npm run simulate` end to end in process, small: the experiment is created and started, and the report folder is complete. */
describe('npm run simulate', () => {
  let dir: string;
  beforeAll(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simulate-cli-'))));
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('writes the table, the charts, the experiments’ reports and one HTML page linking them', async () => {
    const file = path.join(dir, 'experiments.json');
    await fs.writeFile(
      file,
      JSON.stringify([
        {
          id: 'rows',
          description: 'fixed rows',
          hypothesis: 'personalized placement plays more',
          lever: 'ROW_PLACEMENT',
          unit: 'PROFILE',
          primaryMetric: 'PLAYS_PER_PAGE_VIEW',
          variants: [
            { name: 'personalized', weight: 0.5 },
            { name: 'fixed', weight: 0.5, settings: { policy: 'FIXED' } },
          ],
        },
      ]),
    );
    const out = path.join(dir, 'out');
    const lines: string[] = [];
    const options = parseSimulateArgs(['--days', '2', '--profiles', '60', '--retrain-every', '1', '--experiments', file, '--out', out]);
    const { table } = await runSimulation(options, {}, (line) => lines.push(line));
    expect(table).toMatch(/^group\s+units\s+page views/);
    expect(table).toMatch(/\npersonalized\s+\d+/);
    expect(table).toMatch(/\nfixed\s+\d+/);
    const files = await fs.readdir(out);
    expect(files.sort()).toEqual([
      'coverage-gini.svg',
      'index.html',
      'reports.json',
      'summary.json',
      'summary.txt',
      'take-rate-by-row.svg',
      'watch-minutes.svg',
    ]);
    const html = await fs.readFile(path.join(out, 'index.html'), 'utf8');
    for (const svg of files.filter((f) => f.endsWith('.svg'))) {
      expect(html).toContain(`src="${svg}"`);
      expect(await fs.readFile(path.join(out, svg), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
    const reports = JSON.parse(await fs.readFile(path.join(out, 'reports.json'), 'utf8'));
    expect(reports.rows.variants.map((v: { name: string }) => v.name)).toEqual(['personalized', 'fixed']);
    const summary = JSON.parse(await fs.readFile(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.groups.find((g: { group: string }) => g.group === 'fixed').days).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/wrote index\.html/);
  }, 300_000);
});

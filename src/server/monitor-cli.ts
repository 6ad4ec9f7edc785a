import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { errorMessage } from '../shared/error-message';
import { textTable } from '../shared/text-table';
import { adminTarget, callAdmin, type Json } from './admin-client';

const WINDOW = `hours impressions takes takeRate titlesShown predictedClickRate realisedClickRate clickAuc
  byDimension { dimension value impressions takes takeRate }`;

export const QUALITY_QUERY = `query Quality($hours: Int) { recommendationQuality(hours: $hours) {
  window { ${WINDOW} } baseline { ${WINDOW} }
  hours { hour impressions takes takeRate titlesShown predictedClickRate realisedClickRate clickAuc }
  alerts { check scope baseline recent change p } unattributedImpressions } }`;

/**
 * `npm run monitor -- [--hours N] [--json]`: the recommendation-quality report of a running
 * server (admin), as tables: the window against its baseline, take rates by dimension, the
 * hours, and the alerts that hold now.
 */
export async function runMonitorCli(argv: readonly string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<void> {
  const program = new Command('monitor')
    .description("Print a running server's recommendation-quality report: take rates, coverage, p(click) calibration, alerts (admin).")
    .option('--url <url>', 'the server GraphQL endpoint (default http://HOST:PORT/graphql)')
    .option('--token <token>', 'an admin token (default ADMIN_TOKEN, else one signed with the server secret)')
    .option('--hours <n>', 'recent hours to list (default: the window and its baseline)', positiveInt)
    .option('--json', 'print the report as JSON')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: (text) => process.stderr.write(text) })
    .action(async (o: { url?: string; token?: string; hours?: number; json?: boolean }) => {
      const data = await callAdmin(await adminTarget(o, env, 'monitor-cli'), QUALITY_QUERY, { hours: o.hours ?? null });
      const report = data.recommendationQuality as Json;
      out(o.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
    });
  await program.parseAsync([...argv], { from: 'user' });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of hours, 1 or more');
  return n;
}

const fixed = (x: unknown, digits = 4) => (typeof x === 'number' ? x.toFixed(digits) : '—');
const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '—');

function describe(r: Json): string {
  const [w, b] = [r.window as Json, r.baseline as Json];
  const figures = ['hours', 'impressions', 'takes', 'takeRate', 'titlesShown', 'predictedClickRate', 'realisedClickRate', 'clickAuc'];
  const parts = [
    textTable(
      ['', ...figures],
      [
        ['window', ...figures.map((f) => show(f, w[f]))],
        ['baseline', ...figures.map((f) => show(f, b[f]))],
      ],
    ),
  ];
  const before = new Map((b.byDimension as Json[]).map((d) => [`${d.dimension}=${d.value}`, d]));
  const dims = w.byDimension as Json[];
  if (dims.length > 0)
    parts.push(
      '',
      textTable(
        ['dimension', 'value', 'impressions', 'take rate', 'baseline take rate'],
        dims.map((d) => [
          String(d.dimension),
          String(d.value),
          String(d.impressions),
          pct(d.takeRate),
          pct(before.get(`${d.dimension}=${d.value}`)?.takeRate),
        ]),
      ),
    );
  const hours = r.hours as Json[];
  if (hours.length > 0)
    parts.push(
      '',
      textTable(
        ['hour (UTC)', 'impressions', 'takes', 'take rate', 'titles', 'p(click)', 'realised', 'AUC'],
        hours.map((h) => [
          String(h.hour),
          String(h.impressions),
          String(h.takes),
          pct(h.takeRate),
          String(h.titlesShown),
          fixed(h.predictedClickRate),
          fixed(h.realisedClickRate),
          fixed(h.clickAuc, 3),
        ]),
      ),
    );
  const alerts = r.alerts as Json[];
  parts.push(
    '',
    alerts.length === 0
      ? 'alerts: none'
      : textTable(
          ['ALERT', 'scope', 'baseline', 'recent', 'change', 'p'],
          alerts.map((a) => [String(a.check), String(a.scope), fixed(a.baseline), fixed(a.recent), pct(a.change), fixed(a.p, 6)]),
        ),
    `impressions of pages this replica did not serve: ${r.unattributedImpressions}`,
  );
  return `${parts.join('\n')}\n`;
}

function show(figure: string, value: unknown): string {
  if (typeof value !== 'number') return '—';
  if (figure.endsWith('Rate') && figure !== 'takeRate') return fixed(value);
  if (figure === 'takeRate') return pct(value);
  if (figure === 'clickAuc') return fixed(value, 3);
  return String(value);
}

if (require.main === module) {
  runMonitorCli(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).catch((err) => {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    process.stderr.write(`monitor: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}

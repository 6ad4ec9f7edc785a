import { Command, CommanderError } from 'commander';
import { promises as fs } from 'node:fs';
import { errorMessage } from '../shared/error-message';
import { textTable } from '../shared/text-table';
import { adminTarget, callAdmin as call, type Json } from './admin-client';
import { EXPERIMENT_FIELDS, RESULTS_QUERY } from './experiment-queries';

/**
 * `npm run experiment -- create FILE | start ID | stop ID | list | report ID [--json]`: the
 * experiments API of a running server, as an admin. The server's GraphQL endpoint is
 * http://HOST:PORT/graphql of the configuration unless --url is given; the token is --token,
 * ADMIN_TOKEN, or one the CLI signs for an hour with the server's secret (as `npm run token` does).
 */
export async function runExperimentCli(argv: readonly string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<void> {
  const program = new Command('experiment')
    .description('Create, start, stop, list and report experiments on a running server (admin).')
    .option('--url <url>', 'the server GraphQL endpoint (default http://HOST:PORT/graphql)')
    .option('--token <token>', 'an admin token (default ADMIN_TOKEN, else one signed with the server secret)')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: out });
  const target = () => adminTarget(program.opts<{ url?: string; token?: string }>(), env, 'experiment-cli');
  program
    .command('create <file>')
    .description('create a DRAFT experiment from a JSON file holding a NewExperimentInput (docs/EXPERIMENTS.md)')
    .action(async (file: string) => {
      const input = JSON.parse(await fs.readFile(file, 'utf8')) as Json;
      const data = await call(
        await target(),
        `mutation Create($input: NewExperimentInput!) { createExperiment(input: $input) { ${EXPERIMENT_FIELDS} } }`,
        { input },
      );
      out(describe(data.createExperiment as Json));
    });
  for (const [name, field, verb] of [
    ['start', 'startExperiment', 'start a DRAFT experiment: pages are assigned from now on'],
    ['stop', 'stopExperiment', 'stop a RUNNING experiment: its results window ends now'],
  ] as const) {
    program
      .command(`${name} <id>`)
      .description(verb)
      .action(async (id: string) => {
        const data = await call(await target(), `mutation Change($id: ID!) { ${field}(id: $id) { ${EXPERIMENT_FIELDS} } }`, { id });
        out(describe(data[field] as Json));
      });
  }
  program
    .command('list')
    .description('every experiment, oldest first')
    .action(async () => {
      const data = await call(await target(), `{ experiments { ${EXPERIMENT_FIELDS} } }`, {});
      const rows = (data.experiments as Json[]).map((e) => [
        String(e.id),
        String(e.status),
        String(e.kind),
        String(e.lever),
        String(e.unit),
        `[${num(e.layerStart)}, ${num(Number(e.layerStart) + Number(e.trafficShare))})`,
        (e.variants as Json[]).map((v) => `${v.name} ${num(v.weight)}`).join(', '),
        String(e.startedAt ?? ''),
      ]);
      out(`${textTable(['id', 'status', 'kind', 'lever', 'unit', 'slice', 'variants', 'started'], rows)}\n`);
    });
  program
    .command('report <id>')
    .description('the results: every metric per variant against control with its 95% interval, CUPED, SRM, guardrails')
    .option('--json', 'print the results as JSON instead of tables')
    .action(async (id: string, o: { json?: boolean }) => {
      const results = (await call(await target(), RESULTS_QUERY, { id })).experimentResults as Json;
      out(o.json ? `${JSON.stringify(results, null, 2)}\n` : report(results));
    });
  await program.parseAsync([...argv], { from: 'user' });
}

const num = (x: unknown) => (typeof x === 'number' ? String(Math.round(x * 1e4) / 1e4) : '');
const fixed = (x: unknown, digits = 4) => (typeof x === 'number' ? x.toFixed(digits) : '—');
const interval = (e: Json) => `[${fixed(e.low)}, ${fixed(e.high)}]`;
const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '—');

function describe(e: Json): string {
  const variants = (e.variants as Json[]).map((v) => `${v.name} (${num(v.weight)}) ${JSON.stringify(v.settings)}`).join('; ');
  return `${e.id}: ${e.status} ${e.kind} on ${e.lever} by ${e.unit}, ${pct(e.trafficShare)} of traffic from ${num(e.layerStart)}; primary ${e.primaryMetric}; variants ${variants}\n`;
}

/** The results as a person reads them: units, SRM, each metric against control, guardrails, an interleaving's verdict. */
function report(r: Json): string {
  const e = r.experiment as Json;
  const parts = [
    `${e.id} (${e.status}, ${e.kind} on ${e.lever}, unit ${e.unit}): ${e.hypothesis}`,
    `window ${r.windowStart ?? '—'} → ${r.windowEnd}; primary metric ${e.primaryMetric}`,
    '',
    textTable(
      ['variant', 'weight', 'units', 'page views'],
      (r.variants as Json[]).map((v) => [String(v.name), num(v.weight), String(v.units), String(v.pageViews)]),
    ),
  ];
  const srm = r.sampleRatio as Json | null;
  if (srm)
    parts.push(
      '',
      `sample ratio: chi-square ${fixed(srm.chiSquare, 2)}, p = ${fixed(srm.p)}${srm.mismatch ? '  MISMATCH: trust no metric until it is explained' : ' (no mismatch)'}`,
    );
  const metrics = r.metrics as Json[];
  if (metrics.length > 0) {
    const rows = metrics.map((m) => {
      const cuped = m.cuped as Json | null;
      return [
        `${m.metric === e.primaryMetric ? '* ' : ''}${m.metric}`,
        String(m.variant),
        fixed(m.control),
        fixed(m.treatment),
        fixed(m.difference),
        interval(m),
        pct(m.relative),
        m.significant ? 'yes' : 'no',
        cuped ? `${fixed(cuped.difference)} ${interval(cuped)} −${pct(cuped.varianceRemoved)} var` : '',
      ];
    });
    parts.push(
      '',
      textTable(['metric', 'variant', 'control', 'variant value', 'difference', '95% interval', 'relative', 'significant', 'CUPED'], rows),
    );
  }
  const guardrails = r.guardrails as Json[];
  if (guardrails.length > 0)
    parts.push(
      '',
      textTable(
        ['guardrail', 'variant', 'control', 'variant value', '95% interval', 'breached'],
        guardrails.map((g) => [
          String(g.metric),
          String(g.variant),
          fixed(g.control),
          fixed(g.treatment),
          interval(g),
          g.breached ? 'BREACHED' : 'ok',
        ]),
      ),
    );
  const il = r.interleaving as Json | null;
  if (il)
    parts.push(
      '',
      `interleaving: ${il.units} units with credited plays; ${pct(il.share)} prefer ${il.variant} [${pct(il.low)}, ${pct(il.high)}]${il.significant ? ' (significant)' : ''}; credited plays ${(il.credited as Json[]).map((c) => `${c.variant} ${c.plays}`).join(', ')}`,
    );
  return `${parts.join('\n')}\n`;
}

if (require.main === module) {
  runExperimentCli(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).catch((err) => {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    process.stderr.write(`experiment: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}

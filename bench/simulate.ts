import { Command, Option } from 'commander';
import { loadConfig } from '../src/config/config';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { inProcessHost } from '../src/server/simulation-host';
import { errorStack } from '../src/shared/error-message';
import { createLogger } from '../src/shared/logger';
import { stageProgress } from '../src/shared/progress';
import { DAY_MS } from '../src/shared/time';
import { simulate, type SimulatorClient } from '../src/simulation/simulator';
import { DEFAULT_WORLD_END } from '../src/world/sizes';
import { percentiles, printReport } from './report';

/**
 * `npm run bench -- simulate [--size default] [--profiles 3000] [--days 14] [--retrain-every 7]`:
 * the user simulator in process, as `npm run simulate` runs it: the set-up (world, load,
 * training), then the simulated days (requests through the GraphQL schema and resolvers,
 * retraining included), with the wall time, simulated requests per second and each request's latency.
 */
async function main(): Promise<void> {
  const o = new Command('bench simulate')
    .description('the user simulator in process: set-up, then the simulated days with wall time, requests per second and latency')
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--profiles <n>', 'profiles taking part', (v) => Number.parseInt(v, 10), 3000)
    .option('--days <n>', 'simulated days', (v) => Number.parseInt(v, 10), 14)
    .option('--retrain-every <n>', 'retrain every so many days (0: never)', (v) => Number.parseInt(v, 10), 7)
    .parse()
    .opts<{ size: WorldSize; profiles: number; days: number; retrainEvery: number }>();
  const progress = stageProgress();
  const started = performance.now();
  const host = await inProcessHost({
    size: o.size,
    seed: 1,
    start: DEFAULT_WORLD_END,
    config: loadConfig({}),
    logger: createLogger('warn'),
    onProgress: progress.update,
  });
  const setupSeconds = (performance.now() - started) / 1000;
  const latencies: number[] = [];
  const client: SimulatorClient = {
    sendsEventTimes: true,
    async asAccount(accountId, query, variables, at) {
      const t = performance.now();
      try {
        return await host.client.asAccount(accountId, query, variables, at);
      } finally {
        latencies.push(performance.now() - t);
      }
    },
  };
  let retrainSeconds = 0;
  const simStarted = performance.now();
  await simulate({
    world: host.world,
    client,
    days: o.days,
    profiles: o.profiles,
    seed: 1,
    start: DEFAULT_WORLD_END,
    endOfDay: async (day) => {
      progress.update('simulated days', day + 1, o.days);
      if (o.retrainEvery > 0 && (day + 1) % o.retrainEvery === 0 && day + 1 < o.days) {
        const t = performance.now();
        await host.retrain!(DEFAULT_WORLD_END + (day + 1) * DAY_MS);
        retrainSeconds += (performance.now() - t) / 1000;
      }
    },
  });
  const simulateSeconds = (performance.now() - simStarted) / 1000;
  progress.stop();
  await host.close();
  printReport('simulate', o, [
    { name: 'set-up (world, load, first training)', unit: 's', value: setupSeconds },
    { name: 'simulated days (retraining included)', unit: 's', value: simulateSeconds },
    { name: 'of which retraining', unit: 's', value: retrainSeconds },
    { name: 'total wall time', unit: 's', value: setupSeconds + simulateSeconds },
    { name: 'simulated requests (homepages and event writes)', unit: 'count', value: latencies.length },
    {
      name: 'simulated requests per second (days, retraining excluded)',
      unit: 'req/s',
      value: latencies.length / (simulateSeconds - retrainSeconds),
    },
    { name: 'request latency in process', unit: 'ms', ...percentiles(latencies) },
  ]);
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});

import { Command, Option } from 'commander';
import path from 'node:path';
import { WORLD_SIZES, type WorldSize } from '../domain/dataset';
import { stageProgress } from '../shared/progress';
import { generateWorld } from './generate';
import { writeWorld } from './files';
import { errorMessage } from '../shared/error-message';

/** `npm run world -- --size default --seed 7 --out DIR`: generates a world and writes it to DIR. */
async function main(): Promise<void> {
  const opts = new Command('world')
    .description('Generate a deterministic synthetic world (catalog, viewers, 60 days of history).')
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option(
      '--seed <n>',
      'random seed',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new Error(`--seed must be a non-negative integer, got ${v}`);
        return n;
      },
      7,
    )
    .requiredOption('--out <dir>', 'output folder (replaced if it exists)')
    .parse()
    .opts<{ size: WorldSize; seed: number; out: string }>();
  const started = Date.now();
  const progress = stageProgress();
  const world = generateWorld(opts.size, opts.seed, progress.update);
  progress.update('write', 0, 1);
  await writeWorld(path.resolve(opts.out), world);
  progress.update('write', 1, 1);
  progress.stop();
  process.stdout.write(
    `${JSON.stringify({ out: path.resolve(opts.out), seconds: (Date.now() - started) / 1000, ...world.manifest.counts })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`world: ${errorMessage(err)}\n`);
  process.exit(1);
});

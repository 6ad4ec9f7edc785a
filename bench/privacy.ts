import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import type { PlaybackEvent } from '../src/domain/types';
import { loadDataset } from '../src/catalog/load-dataset';
import { stageProgress } from '../src/shared/progress';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { generateWorld, observable } from '../src/world/generate';
import { percentiles, printReport } from './report';
import { errorStack } from '../src/shared/error-message';

/**
 * `npm run bench -- privacy [--size small|default] [--erasures N]`: erasing a profile's viewing
 * history on the embedded store (the files are rewritten without its events), and what that does
 * to the latency of playback writes that arrive meanwhile, against writes with no erasure running.
 */
async function main(): Promise<void> {
  const opts = new Command('bench privacy')
    .description("erasing a profile's viewing history on the embedded store, and the latency of playback writes that arrive meanwhile")
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--erasures <n>', 'profiles to erase', (v) => Number.parseInt(v, 10), 8)
    .parse()
    .opts<{ size: WorldSize; erasures: number }>();
  const progress = stageProgress();
  const world = generateWorld(opts.size, 7, progress.update);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-privacy-'));
  const store = await EmbeddedStore.open(dir);
  await loadDataset(store, observable(world), progress.update);
  const victims = world.profiles.filter((p) => world.playbacks.some((e) => e.profileId === p.id)).slice(0, opts.erasures);
  const writer = world.profiles.at(-1)!;
  let seq = 0;
  const play = (): PlaybackEvent => ({
    eventId: `bench-${seq++}`,
    profileId: writer.id,
    titleId: world.titles[seq % world.titles.length].id,
    occurredAt: world.manifest.end,
    progress: 0.3,
    device: 'TV',
    sessionId: null,
  });
  /** Writes one playback after another until `until` settles; returns each write's latency. */
  async function writesDuring(until: Promise<unknown>): Promise<number[]> {
    let done = false;
    void until.finally(() => (done = true));
    const latencies: number[] = [];
    while (!done) {
      const t = performance.now();
      await store.recordPlayback([play()]);
      latencies.push(performance.now() - t);
    }
    return latencies;
  }
  const idle = await writesDuring(new Promise((resolve) => setTimeout(resolve, 3000)));
  const erasures: number[] = [];
  const during: number[] = [];
  for (const [i, victim] of victims.entries()) {
    progress.update('erase', i, victims.length);
    const t = performance.now();
    const erasure = store.eraseViewingHistory(victim.id, world.manifest.end);
    during.push(...(await writesDuring(erasure.then(() => erasures.push(performance.now() - t)))));
  }
  progress.update('erase', victims.length, victims.length);
  await store.close();
  const [snapshotBytes, journalBytes] = await Promise.all([
    dirBytes(path.join(dir, 'snapshot')),
    fs.stat(path.join(dir, 'journal.ndjson')).then((s) => s.size),
  ]);
  await fs.rm(dir, { recursive: true, force: true });
  printReport('privacy', { size: opts.size, erasures: victims.length }, [
    { name: 'events in the store', unit: 'count', value: world.playbacks.length + world.impressions.length },
    { name: 'snapshot size', unit: 'MB', value: snapshotBytes / 1e6 },
    { name: 'journal size after', unit: 'KB', value: journalBytes / 1e3 },
    { name: 'eraseViewingHistory (store, files rewritten)', unit: 'ms', ...percentiles(erasures) },
    { name: 'recordPlayback, nothing else running', unit: 'ms', ...percentiles(idle) },
    { name: 'recordPlayback during an erasure', unit: 'ms', ...percentiles(during) },
  ]);
}

async function dirBytes(dir: string): Promise<number> {
  const files = await fs.readdir(dir);
  return (await Promise.all(files.map((f) => fs.stat(path.join(dir, f)).then((s) => s.size)))).reduce((a, b) => a + b, 0);
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});

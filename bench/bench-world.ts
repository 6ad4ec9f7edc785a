import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import { loadDataset } from '../src/catalog/load-dataset';
import type { WorldSize } from '../src/domain/dataset';
import { DEFAULT_RANKER_TRAINING } from '../src/models/bundle-options';
import type { ModelBundle } from '../src/models/model-bundle';
import { DEFAULT_ALS } from '../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../src/retrieval/implicit-feedback';
import { createServices, type ServiceOptions, type Services } from '../src/server/services';
import { trainBundle } from '../src/training/train-bundle';
import { generateWorld, observable, type World } from '../src/world/generate';

/** The services over a generated world, as `npm start` builds them, in a temporary DATA_DIR. */
export interface BenchWorld {
  world: World;
  /** The model bundle the services serve (trained as a first start trains it). */
  bundle: ModelBundle;
  services: Services;
  /** The temporary directory the store lives in; benchmarks may put their own files there. */
  dir: string;
  /** Closes the services and the store, keeping the directory: for a server process that opens the store itself. */
  release(): Promise<void>;
  /** Closes the services and the store (unless released) and removes the directory. */
  close(): Promise<void>;
}

/**
 * Generates the world of `size` (seed 7), loads it into an embedded store and trains the first
 * bundle with the defaults `npm start` uses, reporting progress as it goes.
 */
export async function openBenchWorld(
  name: string,
  size: WorldSize,
  update: (stage: string, done: number, total: number) => void,
  options: ServiceOptions = {},
): Promise<BenchWorld> {
  const world = generateWorld(size, 7, update);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `bench-${name}-`));
  const store = await EmbeddedStore.open(dir);
  let services: Services | undefined;
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      await services?.close();
      await store.close();
    })());
  const close = async () => {
    try {
      await release();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  };
  try {
    await loadDataset(store, observable(world), update);
    const bundle = await trainBundle(store, { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, ranker: DEFAULT_RANKER_TRAINING }, update);
    services = await createServices(store, bundle, options);
    return { world, bundle, services, dir, release, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Up to `count` distinct profiles spread over the world. */
export function rotation(all: string[], count: number): string[] {
  const picked = new Set<string>();
  for (let i = 0; picked.size < Math.min(count, all.length); i++) picked.add(all[(i * 7919) % all.length]);
  return [...picked];
}

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { loadDataset } from '../../src/catalog/load-dataset';
import { loadConfig } from '../../src/config/config';
import { ensureModel } from '../../src/setup/bootstrap';
import { createLogger } from '../../src/shared/logger';
import { newestBundleDir } from '../../src/models/model-bundle';
import { generateWorld, observable } from '../../src/world/generate';

describe('model bundles at start', () => {
  it('trains one when missing, reuses it, and retrains for another catalog or a damaged bundle', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bundles-'));
    const config = loadConfig({ DATA_DIR: root });
    const logger = createLogger('silent');
    const open = async (seed: number) => {
      const store = await EmbeddedStore.open(path.join(root, `store-${seed}`));
      await loadDataset(store, observable(generateWorld('small', seed)));
      return store;
    };
    const a = await open(7);
    const first = await ensureModel(a, config, logger);
    expect((await ensureModel(a, config, logger)).manifest.version).toBe(first.manifest.version);

    // Worlds of other seeds reuse the ids t1…t500 with other titles: the fingerprint tells them apart.
    const b = await open(8);
    const second = await ensureModel(b, config, logger);
    expect(second.manifest.version).not.toBe(first.manifest.version);
    expect(second.manifest.catalogFingerprint).not.toBe(first.manifest.catalogFingerprint);

    const newest = (await newestBundleDir(path.join(root, 'models')))!;
    await fs.writeFile(path.join(newest, 'title-vectors.f32'), 'damaged');
    const third = await ensureModel(b, config, logger);
    expect(third.titleIds.length).toBe(500);
    await Promise.all([a.close(), b.close()]);
    await fs.rm(root, { recursive: true, force: true });
  });
});

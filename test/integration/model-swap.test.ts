import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeBundle, type ModelBundle } from '../../src/models/model-bundle';
import { trainBundle } from '../../src/training/train-bundle';
import { DEFAULT_ALS } from '../../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../../src/retrieval/implicit-feedback';
import { AFTER_LAST_PLAY, startHarness, type AppHarness } from '../support/app-harness';

const PAGE = `query ($id: ID!) {
  homepage(profileId: $id, context: { device: TV }) { modelVersion rows { items { title { id } scores { utility predictions { click } } } } }
}`;

/** A newer bundle written to disk is swapped in while homepages are being served. */
describe('model bundle hot swap', () => {
  let app: AppHarness;
  let modelsDir: string;
  let newer: ModelBundle;
  const accept = async () => true;

  beforeAll(async () => {
    app = await startHarness();
    modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'models-'));
    // Another seed for the ranker and a later clock: a different model, a newer version name.
    newer = await trainBundle(
      app.services.store,
      { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, ranker: { windowShare: 0.25, maxRequests: 2000, seed: 99 } },
      undefined,
      () => AFTER_LAST_PLAY + 3_600_000,
    );
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await fs.rm(modelsDir, { recursive: true, force: true });
  });

  it('fails no request in flight, then serves every page from the new bundle', async () => {
    const old = app.services.models.version;
    const ids = app.world.profiles.slice(0, 60).map((p) => p.id);
    const inFlight = ids.map((id) => app.run(PAGE, { id }, { ownerOf: id }));
    await writeBundle(modelsDir, newer);
    expect(await app.services.models.checkForNewer(modelsDir, accept)).toBe(true);
    const during = await Promise.all(inFlight);
    const after = await Promise.all(ids.slice(0, 10).map((id) => app.run(PAGE, { id }, { ownerOf: id })));

    for (const r of [...during, ...after]) {
      expect(r.errors).toBeUndefined();
      expect(r.data.homepage.rows.length).toBeGreaterThan(0);
      // Ranked by a model (not the fallback) on both sides of the swap.
      for (const row of r.data.homepage.rows) expect(row.items[0].scores.predictions.click).toBeGreaterThan(0);
    }
    // Requests that began before the swap finished on the old bundle, whose session was still open.
    expect(during.filter((r) => r.data.homepage.modelVersion === old).length).toBeGreaterThan(0);
    for (const r of after) expect(r.data.homepage.modelVersion).toBe(newer.manifest.version);
    expect(app.services.models.version).toBe(newer.manifest.version);
  });

  it('keeps serving when the newest bundle is damaged, and ignores bundles no newer than its own', async () => {
    const current = app.services.models.version;
    expect(await app.services.models.checkForNewer(modelsDir, accept)).toBe(false);
    const damaged = path.join(modelsDir, '29991231T000000Z-damaged');
    await fs.cp(path.join(modelsDir, current), damaged, { recursive: true });
    await fs.writeFile(path.join(damaged, 'ranker.onnx'), 'not a model');
    expect(await app.services.models.checkForNewer(modelsDir, accept)).toBe(false);
    expect(app.services.models.version).toBe(current);
    const r = await app.run(PAGE, { id: app.world.profiles[0].id }, { ownerOf: app.world.profiles[0].id });
    expect(r.errors).toBeUndefined();
    expect(r.data.homepage.modelVersion).toBe(current);
  });

  it('does not swap in a bundle trained on another catalog', async () => {
    const current = app.services.models.version;
    const foreign = path.join(modelsDir, '29991231T000001Z-foreign');
    await fs.cp(path.join(modelsDir, current), foreign, { recursive: true });
    expect(await app.services.models.checkForNewer(modelsDir, async () => false)).toBe(false);
    expect(app.services.models.version).toBe(current);
  });
});

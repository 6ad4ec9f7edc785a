import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { syncPath } from '../shared/fs-sync';
import type { AlsOptions } from '../retrieval/als';
import { HnswIndex } from '../retrieval/hnsw-index';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { ItemNeighbours } from '../retrieval/item-item';
import type { ItemModelOptions } from '../retrieval/item-model';
import { checkFeatureSpec, type FeatureSpec } from '../ranking/features/feature-spec';
import type { RankerReport } from '../ranking/train-ranker';

/** What a bundle's manifest.json records: enough to know what it is and to reproduce it. */
export interface BundleManifest {
  version: string;
  createdAt: string;
  /** Hash of the training data (watch states and title ids), to tell bundles of the same data apart. */
  dataHash: string;
  /** Latest watch-state time the bundle was trained on: later activity needs a fold-in. */
  trainedUntil: number;
  /** Hash of the bundle's titles (ids and names), to recognise a bundle trained on another catalog. */
  catalogFingerprint: string;
  als: AlsOptions;
  feedback: FeedbackOptions;
  itemModel: ItemModelOptions;
  counts: { titles: number; profiles: number; interactions: number };
  seconds: { als: number; hnsw: number; itemModel: number };
  /** The ranker: its training data, validation metrics per head, and the feature spec's version. */
  ranker?: RankerReport & { featureSpec: string; trainedOn: string };
}

/** A model bundle in memory: title and profile vectors and the ANN index over the title vectors. */
export interface RetrievalBundle {
  manifest: BundleManifest;
  titleIds: string[];
  titleVectors: Float32Array;
  profileIds: string[];
  profileVectors: Float32Array;
  index: HnswIndex;
  /** The item→item model (EASE), sparse: each title's best neighbours. */
  itemNeighbours: ItemNeighbours;
}

/** A whole bundle: retrieval plus the ranker (ONNX bytes and the feature spec it was trained with). */
export interface ModelBundle extends RetrievalBundle {
  ranker: { onnx: Uint8Array; spec: FeatureSpec };
}

const FILES = {
  manifest: 'manifest.json',
  titles: 'titles.json',
  titleVectors: 'title-vectors.f32',
  profiles: 'profiles.json',
  profileVectors: 'profile-vectors.f32',
  index: 'title-index.hnsw',
  ranker: 'ranker.onnx',
  featureSpec: 'feature-spec.json',
  itemTitles: 'item-titles.json',
  itemRows: 'item-rows.i32',
  itemColumns: 'item-columns.i32',
  itemWeights: 'item-weights.f32',
};

/** Fingerprint of titles by id and name: synthetic worlds of other seeds share ids, not names. */
export function catalogFingerprint(titles: readonly { id: string; name: string }[]): string {
  return dataHash([...titles].sort((a, b) => (a.id < b.id ? -1 : 1)).map((t) => `${t.id}|${t.name}`));
}

export function dataHash(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\n');
  return h.digest('hex').slice(0, 16);
}

/** A sortable, unique version name: creation time, then the data hash. */
export function newVersion(createdAt: Date, hash: string): string {
  return `${createdAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${hash.slice(0, 8)}`;
}

/**
 * Writes a bundle into `modelsDir/<version>/`: every file into a temporary folder, synced, then
 * one rename, so a reader never sees half a bundle (the manifest also goes last).
 */
export async function writeBundle(modelsDir: string, b: ModelBundle): Promise<string> {
  const dir = path.join(modelsDir, b.manifest.version);
  // Replicas in containers all have pid 1: a random suffix keeps their temporary folders apart.
  const tmp = `${dir}.tmp-${randomUUID()}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  await fs.writeFile(path.join(tmp, FILES.titles), JSON.stringify(b.titleIds));
  await fs.writeFile(path.join(tmp, FILES.profiles), JSON.stringify(b.profileIds));
  await fs.writeFile(
    path.join(tmp, FILES.titleVectors),
    Buffer.from(b.titleVectors.buffer, b.titleVectors.byteOffset, b.titleVectors.byteLength),
  );
  await fs.writeFile(
    path.join(tmp, FILES.profileVectors),
    Buffer.from(b.profileVectors.buffer, b.profileVectors.byteOffset, b.profileVectors.byteLength),
  );
  await b.index.save(path.join(tmp, FILES.index));
  const items = b.itemNeighbours;
  await fs.writeFile(path.join(tmp, FILES.itemTitles), JSON.stringify({ titleIds: items.titleIds, input: items.input }));
  for (const [file, array] of [
    [FILES.itemRows, items.rowPtr],
    [FILES.itemColumns, items.colIdx],
    [FILES.itemWeights, items.weight],
  ] as const)
    await fs.writeFile(path.join(tmp, file), Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  await fs.writeFile(path.join(tmp, FILES.ranker), b.ranker.onnx);
  await fs.writeFile(path.join(tmp, FILES.featureSpec), JSON.stringify(b.ranker.spec));
  await fs.writeFile(path.join(tmp, FILES.manifest), JSON.stringify(b.manifest, null, 2));
  for (const name of await fs.readdir(tmp)) await syncPath(path.join(tmp, name));
  // A folder of the same version (same data, same second) is either the same bundle written by
  // another process or a damaged one being replaced: either way, ours takes its place.
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  await syncPath(modelsDir);
  return dir;
}

const ABANDONED_AFTER_MS = 3_600_000;

/**
 * Removes the temporary folders of bundle writes that were killed (`<version>.tmp-<uuid>`) and
 * returns them. Their names do not say whose they are (a training job beside the server, another
 * replica: pids mean nothing across containers), so a folder counts as abandoned once nothing in
 * it has changed for an hour: writeBundle fills one in seconds, so a live writer is left alone
 * with a wide margin.
 */
export async function removeAbandonedBundleTemporaries(modelsDir: string, now: number = Date.now()): Promise<string[]> {
  const names = await fs.readdir(modelsDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((n) => n.includes('.tmp-'))) {
    const dir = path.join(modelsDir, name);
    const entries = await fs.readdir(dir).catch(() => [] as string[]);
    const times = await Promise.all(
      [dir, ...entries.map((e) => path.join(dir, e))].map((f) =>
        fs.stat(f).then(
          (st) => st.mtimeMs,
          () => now,
        ),
      ),
    );
    if (now - Math.max(...times) < ABANDONED_AFTER_MS) continue;
    await fs.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** The newest complete bundle's folder, or null when there is none. */
export async function newestBundleDir(modelsDir: string): Promise<string | null> {
  const names = await fs.readdir(modelsDir).catch(() => [] as string[]);
  for (const name of names
    .filter((n) => !n.includes('.tmp-'))
    .sort()
    .reverse()) {
    const dir = path.join(modelsDir, name);
    if (
      await fs.access(path.join(dir, FILES.manifest)).then(
        () => true,
        () => false,
      )
    )
      return dir;
  }
  return null;
}

async function readVectors(file: string, rows: number, dim: number): Promise<Float32Array> {
  const buf = await fs.readFile(file);
  if (buf.byteLength !== rows * dim * 4) throw new Error(`${file}: expected ${rows} × ${dim} floats, found ${buf.byteLength} bytes`);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

async function readTyped<T extends Int32Array | Float32Array>(file: string, make: (b: ArrayBuffer) => T, length?: number): Promise<T> {
  const buf = await fs.readFile(file);
  const array = make(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  if (length !== undefined && array.length !== length) throw new Error(`${file}: expected ${length} entries, found ${array.length}`);
  return array;
}

/** The item→item model's files; a bundle written before it existed cannot serve this code (retrain it). */
async function readItemNeighbours(dir: string): Promise<ItemNeighbours> {
  const meta = await fs.readFile(path.join(dir, FILES.itemTitles), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`${dir} has no item-item model (written by an older version): retrain the bundle`);
    throw err;
  });
  const { titleIds, input } = JSON.parse(meta) as Pick<ItemNeighbours, 'titleIds' | 'input'>;
  const rowPtr = await readTyped(path.join(dir, FILES.itemRows), (b) => new Int32Array(b), titleIds.length + 1);
  const nnz = rowPtr[titleIds.length];
  return {
    titleIds,
    input,
    rowPtr,
    colIdx: await readTyped(path.join(dir, FILES.itemColumns), (b) => new Int32Array(b), nnz),
    weight: await readTyped(path.join(dir, FILES.itemWeights), (b) => new Float32Array(b), nnz),
  };
}

export async function readBundle(dir: string): Promise<ModelBundle> {
  const manifest = JSON.parse(await fs.readFile(path.join(dir, FILES.manifest), 'utf8')) as BundleManifest;
  const titleIds = JSON.parse(await fs.readFile(path.join(dir, FILES.titles), 'utf8')) as string[];
  const profileIds = JSON.parse(await fs.readFile(path.join(dir, FILES.profiles), 'utf8')) as string[];
  const k = manifest.als.factors;
  const bundle = {
    manifest,
    titleIds,
    profileIds,
    titleVectors: await readVectors(path.join(dir, FILES.titleVectors), titleIds.length, k),
    profileVectors: await readVectors(path.join(dir, FILES.profileVectors), profileIds.length, k),
    index: await HnswIndex.load(path.join(dir, FILES.index), k),
    itemNeighbours: await readItemNeighbours(dir),
    ranker: {
      onnx: new Uint8Array(await fs.readFile(path.join(dir, FILES.ranker))),
      spec: checkFeatureSpec(JSON.parse(await fs.readFile(path.join(dir, FILES.featureSpec), 'utf8')) as FeatureSpec),
    },
  };
  if (manifest.ranker?.featureSpec !== bundle.ranker.spec.version)
    throw new Error(
      `${dir}: the manifest names feature spec ${manifest.ranker?.featureSpec}, the bundle holds ${bundle.ranker.spec.version}`,
    );
  if (bundle.index.size !== titleIds.length)
    throw new Error(`${dir}: the index holds ${bundle.index.size} vectors for ${titleIds.length} titles`);
  return bundle;
}

import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Dataset, DatasetManifest } from '../src/domain/dataset';
import { syncPath } from '../src/shared/fs-sync';
import type { SimilarEdge } from '../src/domain/types';
import { accountFromRecord } from './account-record';
import { StringPool } from '../src/shared/string-pool';

/**
 * A dataset folder: small JSON files for catalog and people, gzipped NDJSON for the event logs,
 * the SIMILAR_TO edges when saved beside a store snapshot, and any extra JSON file the caller
 * brings (a generated world's hidden truth, which only evaluation code opens).
 */
const FILES = {
  manifest: 'manifest.json',
  catalog: 'catalog.json',
  population: 'population.json',
  playbacks: 'playbacks.ndjson.gz',
  impressions: 'impressions.ndjson.gz',
  feedback: 'feedback.ndjson.gz',
  similarity: 'similarity.ndjson.gz',
};

async function writeNdjsonGz(file: string, rows: readonly unknown[]): Promise<void> {
  function* lines() {
    for (let i = 0; i < rows.length; i += 5000) {
      yield (
        rows
          .slice(i, i + 5000)
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n'
      );
    }
  }
  await pipeline(Readable.from(lines()), createGzip({ level: 4 }), createWriteStream(file));
}

/** Fields no two rows share: not worth a place in the string pool. */
const UNIQUE_FIELDS: ReadonlySet<string> = new Set(['eventId']);

/** The rows of a gzipped NDJSON file, their repeated strings (ids, devices) shared through `pool`. */
async function readNdjsonGz<T>(file: string, pool = new StringPool()): Promise<T[]> {
  const rows: T[] = [];
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line) rows.push(pool.internFields(JSON.parse(line) as T, UNIQUE_FIELDS));
  return rows;
}

/**
 * Writes the observable data (and the truth, when given) into a temporary folder, syncs it and
 * renames it into place, so a half-written world is never read.
 */
export async function writeDataset(
  dir: string,
  data: Dataset,
  extras: { similarity?: readonly SimilarEdge[]; jsonFiles?: Record<string, unknown> } = {},
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  try {
    await fs.mkdir(tmp, { recursive: true });
    await fs.writeFile(path.join(tmp, FILES.catalog), JSON.stringify(data.titles));
    await fs.writeFile(path.join(tmp, FILES.population), JSON.stringify({ accounts: data.accounts, profiles: data.profiles }));
    await writeNdjsonGz(path.join(tmp, FILES.playbacks), data.playbacks);
    await writeNdjsonGz(path.join(tmp, FILES.impressions), data.impressions);
    if (data.feedback) await writeNdjsonGz(path.join(tmp, FILES.feedback), data.feedback);
    for (const [name, value] of Object.entries(extras.jsonFiles ?? {})) await fs.writeFile(path.join(tmp, name), JSON.stringify(value));
    if (extras.similarity) await writeNdjsonGz(path.join(tmp, FILES.similarity), extras.similarity);
    // The manifest goes last: its presence marks a complete folder.
    await fs.writeFile(path.join(tmp, FILES.manifest), JSON.stringify(data.manifest, null, 2));
    for (const name of await fs.readdir(tmp)) await syncPath(path.join(tmp, name));
    await syncPath(tmp);
  } catch (err) {
    // On a full disk the half-written folder holds the space the next attempt needs.
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  // Move the old folder aside rather than deleting it first, so there is never a moment with none.
  // From here on the new folder is complete and synced: settleDatasetTemporaries relies on it.
  const old = `${dir}.old-${process.pid}`;
  await fs.rm(old, { recursive: true, force: true });
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await fs.rename(dir, old).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await fs.rename(tmp, dir);
  await syncPath(path.dirname(dir));
  await fs.rm(old, { recursive: true, force: true });
}

/**
 * Finishes or removes what a writeDataset of `dir` that was killed left beside it
 * (`<dir>.tmp-<pid>`, `<dir>.old-<pid>`), once its writer is gone, and says what it did. With
 * `dir` missing and the old folder moved aside, the writer had completed its new folder and was
 * swapping it in: the swap is finished. Any other leftover is removed.
 */
export async function settleDatasetTemporaries(dir: string): Promise<string[]> {
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  const pids = new Set<number>();
  for (const name of names) {
    const m = /^\.(tmp|old)-(\d+)$/.exec(name.slice(base.length));
    if (name.startsWith(base) && m) pids.add(Number(m[2]));
  }
  const done: string[] = [];
  for (const pid of [...pids].filter(writerIsGone)) {
    const [tmp, old] = [`${dir}.tmp-${pid}`, `${dir}.old-${pid}`];
    const has = (name: string) => names.includes(path.basename(name));
    if (!(await exists(dir)) && has(old)) {
      await fs.rename(has(tmp) ? tmp : old, dir);
      await syncPath(parent);
      done.push(`${has(tmp) ? 'finished swapping in' : 'moved back'} ${dir}, left by process ${pid}`);
    }
    for (const leftover of [tmp, old].filter(has)) {
      if (!(await exists(leftover))) continue;
      await fs.rm(leftover, { recursive: true, force: true });
      done.push(`removed ${leftover}, left by process ${pid}`);
    }
  }
  return done;
}

/**
 * Whether the process that named a temporary folder is gone. Our own pid names a folder of an
 * earlier process that had it (containers restart with the same pids), since nothing writes one
 * before start-up settles them; a pid we may not signal (EPERM) is a live process of another user.
 */
function writerIsGone(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

export async function datasetExists(dir: string): Promise<boolean> {
  return fs.access(path.join(dir, FILES.manifest)).then(
    () => true,
    () => false,
  );
}

/** Reads the dataset, checking each account's time zone; extra files (a world's truth) are not opened. */
export async function readDataset(dir: string): Promise<Dataset> {
  const manifest = JSON.parse(await fs.readFile(path.join(dir, FILES.manifest), 'utf8')) as DatasetManifest;
  const titles = JSON.parse(await fs.readFile(path.join(dir, FILES.catalog), 'utf8'));
  const population = path.join(dir, FILES.population);
  const { accounts, profiles } = JSON.parse(await fs.readFile(population, 'utf8'));
  const feedbackFile = path.join(dir, FILES.feedback);
  // One pool for every log: plays and impressions name the same profiles, titles and sessions.
  const pool = new StringPool();
  const [playbacks, impressions, feedback] = await Promise.all([
    readNdjsonGz<Dataset['playbacks'][number]>(path.join(dir, FILES.playbacks), pool),
    readNdjsonGz<Dataset['impressions'][number]>(path.join(dir, FILES.impressions), pool),
    // Folders written before feedback existed have none.
    fs.access(feedbackFile).then(
      () => readNdjsonGz<NonNullable<Dataset['feedback']>[number]>(feedbackFile, pool),
      () => undefined,
    ),
  ]);
  return {
    manifest,
    titles,
    accounts: (accounts as Record<string, unknown>[]).map((a, i) => accountFromRecord(a, `${population} accounts[${i}]`)),
    profiles,
    playbacks,
    impressions,
    ...(feedback ? { feedback } : {}),
  };
}

/** The SIMILAR_TO edges saved beside a store snapshot; empty when the folder has none. */
export async function readSimilarity(dir: string): Promise<SimilarEdge[]> {
  const file = path.join(dir, FILES.similarity);
  const exists = await fs.access(file).then(
    () => true,
    () => false,
  );
  return exists ? readNdjsonGz<SimilarEdge>(file) : [];
}

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { settleDatasetTemporaries } from '../../graph/dataset-files';
import { ConfigError } from '../config/config';
import { removeAbandonedBundleTemporaries } from '../models/model-bundle';
import { errorMessage } from '../shared/error-message';

/** DATA_DIR cannot be used. A ConfigError, so the server prints its one line as it is and exits. */
export class DataDirError extends ConfigError {}

/**
 * Makes DATA_DIR ready before anything writes into it: creates it when missing, proves it
 * writable (else one line naming the folder and the reason, rather than a stack from whichever
 * write came first), and clears what writers killed part-way left in it.
 */
export async function prepareDataDir(dir: string, logger: { info(msg: string): void }, clock: () => number = Date.now): Promise<void> {
  const absolute = path.resolve(dir);
  await checkWritable(absolute);
  for (const done of await settleDatasetTemporaries(path.join(absolute, 'world'))) logger.info(`start-up: ${done}`);
  for (const removed of await removeAbandonedBundleTemporaries(path.join(absolute, 'models'), clock()))
    logger.info(`start-up: removed ${removed}, an abandoned model bundle write`);
}

async function checkWritable(dir: string): Promise<void> {
  const fix = 'set DATA_DIR to a writable folder';
  try {
    await makeFolder(dir);
  } catch (err) {
    throw new DataDirError(`DATA_DIR ${dir} cannot be created: ${errorMessage(err)}; ${fix}`);
  }
  // An empty file needs no free block: a full disk still starts, and answers STORE_UNAVAILABLE to writes.
  const probe = path.join(dir, `.write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    throw new DataDirError(`DATA_DIR ${dir} is not writable: ${errorMessage(err)}; ${fix}`);
  }
  await fs.rm(probe, { force: true });
}

/**
 * mkdir -p, one level at a time: node's recursive mkdir says ENOENT where a parent is read-only,
 * and the operator needs the real reason (EROFS, EACCES).
 */
async function makeFolder(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT') throw err;
    await makeFolder(path.dirname(dir));
    await fs.mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

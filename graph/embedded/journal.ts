import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../src/shared/error-message';
import { syncPath } from '../../src/shared/fs-sync';
import { StorageUnavailableError } from '../errors';

type Waiter = { resolve: () => void; reject: (err: unknown) => void };
type Pending = { line: string; waiter: Waiter };

/**
 * Hears every batch made durable, in the journal's order, as the file holds it: NDJSON lines,
 * each ending with a newline. A follower replays them as a restart replays the file.
 */
export type JournalFollower = (lines: string) => void;

/** The calls the journal makes on an open file (a FileHandle's). */
export interface JournalHandle {
  appendFile(data: string | Buffer): Promise<void>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * The file-system calls the journal makes while the server runs: node's, or a test's that fail
 * for a while the way a full disk does.
 */
export interface JournalFs {
  open(file: string, flags: 'a' | 'w'): Promise<JournalHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, options: { force: true }): Promise<void>;
}

const NODE_FS: JournalFs = { open: (file, flags) => fs.open(file, flags), rename: fs.rename, rm: fs.rm };

const REWRITE_SUFFIX = '.rewrite';
const PROBE_SUFFIX = '.probe';

/** What a probe writes: one file-system block, so a disk with no free block refuses it. */
const PROBE_BYTES = 4096;

/**
 * An append-only NDJSON file of acknowledged writes. `append` resolves only after the record is
 * on disk (fdatasync). Concurrent appends share one sync (group commit), so a burst of small
 * mutations costs one disk flush rather than one each.
 *
 * A failed write or sync rejects its batch with StorageUnavailableError and the file is cut back
 * to its last good length. The handle is closed: the kernel may already have dropped the failed
 * pages and report the error once only, so it is never trusted again. The next append (or
 * `probe`) opens the file afresh, cuts it to that length again, syncs, and only then writes, so
 * once the disk takes writes again the journal carries on with nothing acknowledged lost and
 * nothing rejected kept.
 */
export class Journal {
  private pending: Pending[] = [];
  private readonly followers = new Set<JournalFollower>();
  private flushing: Promise<void> | null = null;
  /** Why the last write failed, until a later one succeeds. */
  private failure: StorageUnavailableError | null = null;
  /** The batch being written and synced now, if any: a rewrite or probe waits for it. */
  private writing: Promise<void> | null = null;
  /** Resolved except while a rewrite or probe runs; batches wait for it before writing. */
  private gate: Promise<void> = Promise.resolve();

  private constructor(
    /** Null after a failure, until the file is recovered on a fresh handle. */
    private handle: JournalHandle | null,
    readonly file: string,
    /** The length of the file's acknowledged records. */
    private goodBytes: number,
    private readonly files: JournalFs,
  ) {}

  /**
   * Opens the journal for appending and returns the records already in it. A torn last line
   * (the process died mid-write, so that write was never acknowledged) is cut off; a bad line
   * anywhere else means the file is damaged, and opening fails rather than silently dropping data.
   */
  static async open(file: string, files: JournalFs = NODE_FS): Promise<{ journal: Journal; records: unknown[]; truncatedBytes: number }> {
    // A rewrite or probe the process was killed in: never read, so nothing is lost with it.
    await Promise.all([REWRITE_SUFFIX, PROBE_SUFFIX].map((suffix) => fs.rm(`${file}${suffix}`, { force: true })));
    const { text, records, torn } = await Journal.read(file);
    const truncatedBytes = Buffer.byteLength(torn);
    const goodBytes = Buffer.byteLength(text ?? '') - truncatedBytes;
    if (truncatedBytes > 0) {
      await fs.truncate(file, goodBytes);
      await syncPath(file);
    }
    const handle = await files.open(file, 'a');
    if (text === null) await syncPath(path.dirname(file));
    return { journal: new Journal(handle, file, goodBytes, files), records, truncatedBytes };
  }

  /**
   * The journal's complete records, leaving the file alone: what another process (a training
   * job) may read while the server appends. A last line without its newline is being written,
   * or was cut short, and is not a record yet.
   */
  static async read(file: string): Promise<{ text: string | null; records: unknown[]; torn: string }> {
    const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    const records: unknown[] = [];
    const lines = (text ?? '').split('\n');
    // Everything after the last newline is a write that was cut short, hence never acknowledged.
    const torn = lines.pop() ?? '';
    lines.forEach((line, i) => {
      try {
        records.push(JSON.parse(line));
      } catch (err) {
        throw new Error(`Journal ${file} is damaged at line ${i + 1}: ${(err as Error).message}`, { cause: err });
      }
    });
    return { text, records, torn };
  }

  /**
   * The acknowledged records, read between batches: never a rejected batch the file may still
   * hold until the next write cuts it off.
   */
  acknowledgedRecords(): Promise<unknown[]> {
    return this.exclusive(async () => parseLines(await this.acknowledgedText()));
  }

  /**
   * The acknowledged lines now, and from then on every batch made durable to `follower`, in
   * order and before its appends resolve: what another process's copy of the state (a cluster
   * worker's) needs to stay the same as the owner's, with no record missed or heard twice. The
   * lines are passed on unparsed: the follower parses them, not the owner, whose event loop
   * every write waits on. `stop` ends it. A follower that throws is dropped (the batch is on
   * disk, and the write stands); it must say so itself.
   */
  follow(follower: JournalFollower): Promise<{ lines: string; stop: () => void }> {
    return this.exclusive(async () => {
      const lines = await this.acknowledgedText();
      // No batch is written during `exclusive`: every later one reaches the follower.
      this.followers.add(follower);
      return { lines, stop: () => this.followers.delete(follower) };
    });
  }

  /** The file's acknowledged bytes, read while no batch is written (inside `exclusive`). */
  private async acknowledgedText(): Promise<string> {
    return (await fs.readFile(this.file)).subarray(0, this.goodBytes).toString('utf8');
  }

  append(record: unknown): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, waiter: { resolve, reject } });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      // A rewrite or probe may have started while this loop waited: wait until none runs.
      for (let gate = this.gate; ; gate = this.gate) {
        await gate;
        if (gate === this.gate) break;
      }
      const batch = this.pending;
      this.pending = [];
      this.writing = this.writeBatch(batch);
      await this.writing;
      this.writing = null;
    }
    this.flushing = null;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const bytes = Buffer.from(batch.map((p) => p.line).join(''));
    try {
      const handle = await this.recovered();
      // appendFile loops until every byte is written; a bare write() may stop short.
      await handle.appendFile(bytes);
      await handle.datasync();
      this.goodBytes += bytes.length;
      this.failure = null;
      if (this.followers.size > 0) {
        const lines = bytes.toString('utf8');
        for (const follower of this.followers) this.tell(follower, lines);
      }
      for (const p of batch) p.waiter.resolve();
    } catch (err) {
      const failure = await this.fail('write', err);
      for (const p of batch) p.waiter.reject(failure);
    }
  }

  /**
   * The handle to append with. After a failure: a fresh one, on the file cut back to its
   * acknowledged length and synced (with its folder, which a rewrite's rename may have left unsynced).
   */
  private async recovered(): Promise<JournalHandle> {
    if (this.handle) return this.handle;
    const handle = await this.files.open(this.file, 'a');
    try {
      const { size } = await handle.stat();
      // Shorter means something else cut acknowledged records: writing on would leave a hole.
      if (size < this.goodBytes) throw new Error(`it holds ${size} bytes, fewer than the ${this.goodBytes} acknowledged`);
      await handle.truncate(this.goodBytes);
      await handle.datasync();
      await syncPath(path.dirname(this.file));
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    this.handle = handle;
    return handle;
  }

  /** Records a failure: the rejected bytes are cut off (again before the next write) and the handle dropped. */
  private async fail(what: string, err: unknown): Promise<StorageUnavailableError> {
    this.failure =
      err instanceof StorageUnavailableError
        ? err
        : new StorageUnavailableError(`journal ${this.file}: ${what} failed: ${errorMessage(err)}`, { cause: err });
    const handle = this.handle;
    this.handle = null;
    // Now rather than at the next write, so a reader beside the server does not see a rejected record.
    await handle?.truncate(this.goodBytes).catch(() => undefined);
    await handle?.close().catch(() => undefined);
    return this.failure;
  }

  /** Runs `work` while no batch is being written and none starts. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const previous = this.gate;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      await this.writing;
      return await work();
    } finally {
      release();
    }
  }

  /** Writes `bytes` into a new file `file` and syncs it. */
  private async writeSynced(file: string, bytes: string | Buffer): Promise<void> {
    const handle = await this.files.open(file, 'w');
    try {
      await handle.appendFile(bytes);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  private tell(follower: JournalFollower, lines: string): void {
    try {
      follower(lines);
    } catch {
      this.followers.delete(follower);
    }
  }

  /**
   * After a failed write, whether the disk takes writes again, without waiting for a client's:
   * one block written and synced beside the journal (then removed), and if that works the journal
   * is recovered. Null when the journal can write; else why not.
   */
  async probe(): Promise<StorageUnavailableError | null> {
    if (!this.failure) return null;
    return this.exclusive(async () => {
      if (!this.failure) return null;
      const file = `${this.file}${PROBE_SUFFIX}`;
      try {
        // Random, so that a compressing file system (ZFS, btrfs) must find a block for it too.
        await this.writeSynced(file, randomBytes(PROBE_BYTES));
        await this.files.rm(file, { force: true });
        await this.recovered();
        this.failure = null;
      } catch (err) {
        await this.files.rm(file, { force: true }).catch(() => undefined);
        await this.fail('probe', err);
      }
      return this.failure;
    });
  }

  /**
   * Replaces the journal with `transform` of its records (erasure: the erased events must leave
   * the disk, not just memory). The new file is written beside it, synced and renamed over it,
   * so a crash leaves either the old journal or the new one. Appends wait meanwhile. If the disk
   * refuses, the old journal stays as it was and appends carry on with it.
   */
  async rewrite(transform: (records: unknown[]) => unknown[]): Promise<void> {
    await this.exclusive(async () => {
      const tmp = `${this.file}${REWRITE_SUFFIX}`;
      let text: string;
      try {
        // After a failed append the file may still hold its rejected bytes: they must not be kept.
        await this.recovered();
        const { records } = await Journal.read(this.file);
        text = transform(records)
          .map((r) => `${JSON.stringify(r)}\n`)
          .join('');
        await this.writeSynced(tmp, text);
        await this.files.rename(tmp, this.file);
      } catch (err) {
        await this.files.rm(tmp, { force: true }).catch(() => undefined);
        throw err instanceof StorageUnavailableError
          ? err
          : new StorageUnavailableError(`journal ${this.file}: rewrite failed: ${errorMessage(err)}`, { cause: err });
      }
      // The name is the new file's from here: appends go to it, through a fresh handle.
      const old = this.handle;
      this.handle = null;
      this.goodBytes = Buffer.byteLength(text);
      await old?.close().catch(() => undefined);
      try {
        await this.recovered();
      } catch (err) {
        throw await this.fail('reopen after rewrite', err);
      }
      // The disk took the whole file: it takes writes again.
      this.failure = null;
    });
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.gate;
    await this.handle?.close();
    this.handle = null;
  }
}

/** Complete NDJSON lines (each ending with a newline) as records. */
export function parseLines(text: string): unknown[] {
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as unknown);
}

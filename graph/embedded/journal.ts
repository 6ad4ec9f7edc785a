import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { syncPath } from '../../src/shared/fs-sync';

type Waiter = { resolve: () => void; reject: (err: unknown) => void };

/**
 * An append-only NDJSON file of acknowledged writes. `append` resolves only after the record is
 * on disk (fdatasync). Concurrent appends share one sync (group commit), so a burst of small
 * mutations costs one disk flush rather than one each.
 *
 * After a failed write or sync the journal refuses every later append: the kernel may already have
 * dropped the failed pages, so carrying on could acknowledge writes behind a hole. The file is cut
 * back to its last good length and the process must be restarted to write again.
 */
export class Journal {
  private pending: { line: string; waiter: Waiter }[] = [];
  private flushing: Promise<void> | null = null;
  private failure: Error | null = null;
  /** The batch being written and synced now, if any: a rewrite waits for it. */
  private writing: Promise<void> | null = null;
  /** Resolved except while a rewrite runs; batches wait for it before writing. */
  private gate: Promise<void> = Promise.resolve();

  private constructor(
    private handle: FileHandle,
    readonly file: string,
    private goodBytes: number,
  ) {}

  /**
   * Opens the journal for appending and returns the records already in it. A torn last line
   * (the process died mid-write, so that write was never acknowledged) is cut off; a bad line
   * anywhere else means the file is damaged, and opening fails rather than silently dropping data.
   */
  static async open(file: string): Promise<{ journal: Journal; records: unknown[]; truncatedBytes: number }> {
    const { text, records, torn } = await Journal.read(file);
    const truncatedBytes = Buffer.byteLength(torn);
    const goodBytes = Buffer.byteLength(text ?? '') - truncatedBytes;
    if (truncatedBytes > 0) {
      await fs.truncate(file, goodBytes);
      await syncPath(file);
    }
    const handle = await fs.open(file, 'a');
    if (text === null) await syncPath(path.dirname(file));
    return { journal: new Journal(handle, file, goodBytes), records, truncatedBytes };
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

  append(record: unknown): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const line = `${JSON.stringify(record)}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, waiter: { resolve, reject } });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      // A rewrite may have started while this loop waited: wait until none runs.
      for (let gate = this.gate; ; gate = this.gate) {
        await gate;
        if (gate === this.gate) break;
      }
      const batch = this.pending;
      this.pending = [];
      if (this.failure) {
        for (const p of batch) p.waiter.reject(this.failure);
        continue;
      }
      this.writing = this.writeBatch(batch);
      await this.writing;
      this.writing = null;
    }
    this.flushing = null;
  }

  private async writeBatch(batch: { line: string; waiter: Waiter }[]): Promise<void> {
    const bytes = Buffer.from(batch.map((p) => p.line).join(''));
    try {
      // appendFile loops until every byte is written; a bare write() may stop short.
      await this.handle.appendFile(bytes);
      await this.handle.datasync();
      this.goodBytes += bytes.length;
      for (const p of batch) p.waiter.resolve();
    } catch (err) {
      this.failure = new Error(`journal ${this.file} failed; restart to recover: ${(err as Error).message}`);
      await this.handle.truncate(this.goodBytes).catch(() => undefined);
      for (const p of batch) p.waiter.reject(this.failure);
    }
  }

  /**
   * Replaces the journal with `transform` of its records (erasure: the erased events must leave
   * the disk, not just memory). The new file is written beside it, synced and renamed over it,
   * so a crash leaves either the old journal or the new one. Appends wait meanwhile.
   */
  async rewrite(transform: (records: unknown[]) => unknown[]): Promise<void> {
    let release!: () => void;
    const previous = this.gate;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      await this.writing;
      if (this.failure) throw this.failure;
      const { records } = await Journal.read(this.file);
      const text = transform(records)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join('');
      const tmp = `${this.file}.rewrite`;
      await fs.writeFile(tmp, text);
      await syncPath(tmp);
      await fs.rename(tmp, this.file);
      await syncPath(path.dirname(this.file));
      await this.handle.close();
      this.handle = await fs.open(this.file, 'a');
      this.goodBytes = Buffer.byteLength(text);
    } catch (err) {
      this.failure ??= new Error(`journal ${this.file} could not be rewritten; restart to recover: ${(err as Error).message}`);
      throw this.failure;
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }
}

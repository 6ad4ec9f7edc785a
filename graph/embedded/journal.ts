import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

type Waiter = { resolve: () => void; reject: (err: unknown) => void };

/**
 * An append-only NDJSON file of acknowledged writes. `append` resolves only after the record is
 * on disk (fdatasync). Concurrent appends share one sync (group commit), so a burst of small
 * mutations costs one disk flush rather than one each.
 */
export class Journal {
  private pending: { line: string; waiter: Waiter }[] = [];
  private flushing: Promise<void> | null = null;

  private constructor(private readonly handle: FileHandle, readonly file: string) {}

  /**
   * Opens the journal for appending and returns the records already in it. A torn last line
   * (the process died mid-write, so that write was never acknowledged) is cut off; a bad line
   * anywhere else means the file is damaged, and opening fails rather than silently dropping data.
   */
  static async open(file: string): Promise<{ journal: Journal; records: unknown[]; truncatedBytes: number }> {
    const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const records: unknown[] = [];
    const lines = text.split('\n');
    // Everything after the last newline is a write that was cut short, hence never acknowledged.
    const torn = lines.pop() ?? '';
    lines.forEach((line, i) => {
      try {
        records.push(JSON.parse(line));
      } catch (err) {
        throw new Error(`Journal ${file} is damaged at line ${i + 1}: ${(err as Error).message}`);
      }
    });
    const truncatedBytes = Buffer.byteLength(torn);
    if (truncatedBytes > 0) await fs.truncate(file, Buffer.byteLength(text) - truncatedBytes);
    const handle = await fs.open(file, 'a');
    return { journal: new Journal(handle, file), records, truncatedBytes };
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
      const batch = this.pending;
      this.pending = [];
      try {
        await this.handle.write(batch.map((p) => p.line).join(''));
        await this.handle.datasync();
        for (const p of batch) p.waiter.resolve();
      } catch (err) {
        for (const p of batch) p.waiter.reject(err);
      }
    }
    this.flushing = null;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }
}

import { promises as fs } from 'node:fs';
import type { JournalFs, JournalHandle } from '../../graph/embedded/journal';

/**
 * How a failing disk answers: ENOSPC (full: a write stores half its bytes, then is refused), EIO
 * (the write goes to the page cache, the sync fails) or HANG (a sync that answers only once the
 * disk is healed).
 */
export type Fault = 'ENOSPC' | 'EIO' | 'HANG';

const errno = (code: string, call: string) => Object.assign(new Error(`${code}: simulated disk failure, ${call}`), { code });

/**
 * The journal's file-system calls on the real disk, failing as a sick disk does while a fault is
 * set. A handle that met a fault keeps failing even after the disk heals, as Linux may report a
 * lost write on an old descriptor: only a fresh `open` gets a good one.
 */
export class FaultyDisk implements JournalFs {
  private fault: { kind: Fault; applies: (file: string) => boolean } | null = null;
  private hung: (() => void)[] = [];

  /** From now on, writes to files `applies` picks (every file by default) meet `kind`. */
  fail(kind: Fault, applies: (file: string) => boolean = () => true): void {
    this.fault = { kind, applies };
  }

  heal(): void {
    this.fault = null;
    for (const resume of this.hung.splice(0)) resume();
  }

  private faultOf(file: string): Fault | null {
    return this.fault?.applies(file) ? this.fault.kind : null;
  }

  async open(file: string, flags: 'a' | 'w'): Promise<JournalHandle> {
    const handle = await fs.open(file, flags);
    let poisoned = false;
    const stale = (call: string) => errno('EIO', `${call} on a descriptor that saw an earlier failure`);
    return {
      appendFile: async (data) => {
        if (poisoned) throw stale('write');
        if (this.faultOf(file) === 'ENOSPC') {
          const bytes = Buffer.from(data);
          await handle.appendFile(bytes.subarray(0, bytes.length >> 1));
          poisoned = true;
          throw errno('ENOSPC', 'write');
        }
        await handle.appendFile(data);
      },
      datasync: async () => {
        if (poisoned) throw stale('fdatasync');
        const fault = this.faultOf(file);
        if (fault === 'EIO') {
          poisoned = true;
          throw errno('EIO', 'fdatasync');
        }
        if (fault === 'HANG') await new Promise<void>((resume) => this.hung.push(resume));
        await handle.datasync();
      },
      truncate: (length) => handle.truncate(length),
      stat: () => handle.stat(),
      close: () => handle.close(),
    };
  }

  rename(from: string, to: string): Promise<void> {
    return fs.rename(from, to);
  }

  rm(file: string, options: { force: true }): Promise<void> {
    return fs.rm(file, options);
  }
}

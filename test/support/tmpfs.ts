import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Mount {
  dir: string;
  unmount(): void;
}

/**
 * A tmpfs of `size` (e.g. '1m') mounted on a new folder: a real disk that fills up, or that is
 * read-only. Null where the tests may not mount (not root, a container without CAP_SYS_ADMIN);
 * the tests that need one are skipped there, and the injected faults of FaultyDisk cover the same paths.
 */
export function mountTmpfs(size: string, options: { readOnly?: boolean } = {}): Mount | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount() {
      // Lazily: a test that failed may still hold a file open in it.
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

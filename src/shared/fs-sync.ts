import { promises as fs } from 'node:fs';

/** fsyncs a file or folder, making its creation, rename or truncation durable, not just its bytes. */
export async function syncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

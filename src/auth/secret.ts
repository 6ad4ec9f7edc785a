import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** HS256 wants a key of at least 256 bits; a shorter secret can be guessed offline from any token. */
export const MIN_SECRET_LENGTH = 32;

export interface ResolvedSecret {
  secret: string;
  /** The development secret's file when AUTH_SECRET is unset (the server warns about it); null otherwise. */
  developmentFile: string | null;
}

/**
 * AUTH_SECRET when set; otherwise a random development secret kept in DATA_DIR/auth-secret (mode
 * 0600), created by whichever of the server and the token CLI runs first and reused by both, so a
 * fresh checkout needs no set-up to try tokens, and restarts keep issued tokens valid.
 */
export async function resolveAuthSecret(config: { AUTH_SECRET?: string; DATA_DIR: string }): Promise<ResolvedSecret> {
  if (config.AUTH_SECRET) return { secret: config.AUTH_SECRET, developmentFile: null };
  const file = path.join(config.DATA_DIR, 'auth-secret');
  const secret = (await readIfPresent(file)) ?? (await create(file));
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file} holds a secret shorter than ${MIN_SECRET_LENGTH} characters: delete it (a new one is made) or set AUTH_SECRET`,
    );
  }
  return { secret, developmentFile: file };
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Written aside, then linked into place: link() fails if the file exists, so two processes
 * starting together keep the first one's secret and neither reads a half-written file.
 */
async function create(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(draft, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(draft, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(draft, { force: true });
  }
  return (await fs.readFile(file, 'utf8')).trim();
}

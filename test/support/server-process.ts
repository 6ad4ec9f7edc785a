import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Authenticator } from '../../src/auth/authenticator';
import type { TokenPrincipal } from '../../src/auth/principal';
import { projectRoot } from '../../src/shared/paths';

/** The compiled server; `npm test` runs tsc first, so it is current. */
export const SERVER_ENTRY = path.join(projectRoot(), 'dist', 'src', 'server', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** POSTs to /graphql with the token of `as` (default: account a1), signed with the server's secret. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, as?: TokenPrincipal): Promise<{ data?: T; errors?: any[] }>;
  /** A bearer token for `as`, signed with the server's secret. */
  sign(as: TokenPrincipal): Promise<string>;
}

/**
 * Starts `node dist/src/server/main.js` and resolves once it prints that it is ready. Requests
 * are signed with AUTH_SECRET, or with the development secret the server keeps in DATA_DIR.
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` (npm test does)`);
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes('Homepage API ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const settings = { ...process.env, ...env };
  const secret = settings.AUTH_SECRET || (await fs.readFile(path.join(settings.DATA_DIR || 'data', 'auth-secret'), 'utf8')).trim();
  const auth = new Authenticator({ secret, anonymousCatalog: false });
  return {
    child,
    url,
    output: () => output,
    sign: (as) => auth.sign(as, 600),
    async gql(query, variables, as = { kind: 'account', accountId: 'a1' }) {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${await auth.sign(as, 600)}` };
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return res.json() as Promise<{ data?: any; errors?: any[] }>;
    },
  };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

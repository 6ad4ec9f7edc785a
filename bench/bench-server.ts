import { fork } from 'node:child_process';
import path from 'node:path';
import type { HttpServerJob, HttpServerReply } from './http-server';
import { cpuSeconds } from './process-cpu';
import { startFlags } from './server-settings';

/** A server process of `bench http`: its URL, its CPU so far, and how to stop it. */
export interface BenchServer {
  url: string;
  /** CPU seconds (user + system, every thread: GC and inference included) the process has used, from /proc. */
  cpuSeconds(): Promise<number>;
  close(): Promise<void>;
}

/** How long a server process may take to close its app, services and store before it is killed. */
const CLOSE_WITHIN_MS = 30_000;

/** Starts bench/http-server.ts in a process of its own, with `npm start`'s node flags, and resolves once it listens. */
export async function startBenchServer(job: HttpServerJob): Promise<BenchServer> {
  const child = fork(path.join(__dirname, 'http-server.js'), [], {
    execArgv: startFlags(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  let closing = false;
  // Asked to close by disconnecting; killed if it has not exited in time.
  const close = async () => {
    closing = true;
    if (running()) {
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_WITHIN_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    const reply = await new Promise<HttpServerReply>((resolve, reject) => {
      child.once('message', (m: HttpServerReply) => resolve(m));
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`the bench's server process exited (${signal ?? code}) before it listened`)));
      child.send(job, (err) => err && reject(err));
    });
    if ('error' in reply) throw new Error(`the bench's server process could not start:\n${reply.error}`);
    const pid = child.pid!;
    // A server that fails while it is measured (a cluster's worker died, the process exited) fails the run at its next reading.
    let failure: string | undefined;
    child.on('message', (m: HttpServerReply) => 'error' in m && (failure ??= m.error));
    child.once('exit', (code, signal) => closing || (failure ??= `the bench's server process exited (${signal ?? code}) while measured`));
    return {
      url: reply.url,
      cpuSeconds: async () => {
        if (failure !== undefined) throw new Error(`the bench's server failed:\n${failure}`);
        const s = await cpuSeconds(pid);
        if (s === undefined) throw new Error('bench http reads server CPU from /proc: Linux only');
        return s;
      },
      close,
    };
  } catch (err) {
    if (running()) child.kill('SIGKILL');
    await exited;
    throw err;
  }
}

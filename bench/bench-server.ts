import { fork } from 'node:child_process';
import path from 'node:path';
import type { HttpServerJob, HttpServerReply } from './http-server';
import { cpuSeconds } from './process-cpu';

/** A server process of `bench http`: its URL, its CPU so far, and how to stop it. */
export interface BenchServer {
  url: string;
  /** CPU seconds (user + system, every thread: GC and inference included) the process has used, from /proc. */
  cpuSeconds(): Promise<number>;
  close(): Promise<void>;
}

/** Node flags of the server process: `npm start`'s (package.json). */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Starts bench/http-server.ts in a process of its own with `job` and resolves once it listens. */
export async function startBenchServer(job: HttpServerJob): Promise<BenchServer> {
  const child = fork(path.join(__dirname, 'http-server.js'), [], {
    execArgv: SERVER_NODE_FLAGS,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
    }
    await exited;
  };
  try {
    const reply = await new Promise<HttpServerReply>((resolve, reject) => {
      child.once('message', (m: HttpServerReply) => resolve(m));
      child.once('exit', (code, signal) => reject(new Error(`the bench's server process exited (${signal ?? code}) before it listened`)));
      child.send(job);
    });
    if ('error' in reply) throw new Error(`the bench's server process could not start:\n${reply.error}`);
    const pid = child.pid!;
    return {
      url: reply.url,
      cpuSeconds: async () => {
        const s = await cpuSeconds(pid);
        if (s === undefined) throw new Error('bench http reads server CPU from /proc: Linux only');
        return s;
      },
      close,
    };
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
}

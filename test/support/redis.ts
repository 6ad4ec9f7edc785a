import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './server-process';

/** Debian's redis-server (`.ci/run` installs it); the suites that need Redis start their own. */
const REDIS_SERVER = 'redis-server';

export function redisAvailable(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface RedisProcess {
  url: string;
  port: number;
  /** Kills it at once (SIGKILL): what replicas meet when Redis dies. */
  kill(): Promise<void>;
  /** Starts an empty Redis on the same port again (it kept nothing: no save, no append-only file). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A Redis of the test's own on a free port, with nothing persisted. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child = await launch(port);
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    async restart() {
      await kill();
      child = await launch(port);
    },
    stop: kill,
  };
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server not ready in 20 s:\n${output}`)), 20_000);
    child.stdout!.on('data', (d) => {
      output += d;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return child;
}

/**
 * `describe` when redis-server is installed; else skipped with the reason, unless REQUIRE_REDIS=1
 * (CI), where a missing Redis fails the suite.
 */
export function describeRedis(name: string, body: () => void): void {
  if (redisAvailable()) return describe(name, body);
  if (process.env.REQUIRE_REDIS === '1') {
    return describe(name, () => {
      it('has redis-server', () => {
        throw new Error('REQUIRE_REDIS=1 but redis-server is not on PATH (apt-get install redis-server)');
      });
    });
  }
  describe.skip(`${name} (skipped: redis-server is not installed)`, body);
}

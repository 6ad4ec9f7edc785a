'use strict';
// Builds and runs the embedded Neo4j launcher (a real Bolt server for tests) in the background.
// Plain CommonJS with node built-ins only: used from npm scripts and jest's globalSetup before
// any TypeScript is compiled. See README.md next to this file.
//
//   node graph/neo4j-launcher/control.js start|stop|build   (port from NEO4J_TEST_PORT, default 7687)

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { onPath, javaToolsAvailable, needsBuild, build, JAR } = require('./build.js');

const ROOT = __dirname;
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 20_000;

// The manifest already carries these Add-Opens for `java -jar`; repeated here so the flags are
// explicit. Without them Neo4j's page cache falls back to a slower mode and its native log-file
// accessors fail ("Incorrect file descriptor") — warnings only, in debug.log.
const JVM_FLAGS = [
  '-Xms128m',
  '-Xmx1g', // page cache (256m) is off-heap, configured in Launcher.java
  '-XX:+ExitOnOutOfMemoryError',
  '-XX:-OmitStackTraceInFastThrow',
  '-Dfile.encoding=UTF-8',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
];

const defaultLog = (msg) => process.stderr.write(`[neo4j-launcher] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stateDir(port) {
  return path.join(os.tmpdir(), `neo4j-launcher-${port}`);
}
function paths(port) {
  const dir = stateDir(port);
  return {
    dir,
    pidFile: path.join(dir, 'launcher.pid'),
    dataFile: path.join(dir, 'data-dir'), // path of a data dir that start() created and stop() removes
    logFile: path.join(dir, 'launcher.log'),
  };
}

function readPid(pidFile) {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Alive and (where /proc exists) really our launcher, not a recycled pid or a zombie. */
function isLauncherAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('neo4j-launcher.jar');
  } catch {
    return process.platform !== 'linux'; // no /proc: trust kill(0)
  }
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function logTail(logFile, lines = 40) {
  try {
    return fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function logHasReady(logFile, port) {
  try {
    return fs.readFileSync(logFile, 'utf8').includes(`READY bolt://127.0.0.1:${port}`);
  } catch {
    return false;
  }
}

function removeOwnedData(p) {
  try {
    const dir = fs.readFileSync(p.dataFile, 'utf8').trim();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    /* nothing recorded */
  }
  fs.rmSync(p.dataFile, { force: true });
}

async function waitReady(port, pid, p, exited) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited() || !isLauncherAlive(pid)) {
      throw new Error(`Neo4j launcher (pid ${pid}) exited before it was ready; ${p.logFile}:\n${logTail(p.logFile)}`);
    }
    if (logHasReady(p.logFile, port) && (await portOpen(port))) return;
    await sleep(250);
  }
  throw new Error(`Neo4j launcher not ready after ${READY_TIMEOUT_MS / 1000}s; ${p.logFile}:\n${logTail(p.logFile)}`);
}

/**
 * Starts Neo4j on 127.0.0.1:port in the background (or reuses the launcher already running
 * there). Resolves { uri, pid, reused }. dataDir: keep the database there (not deleted by stop);
 * default is a fresh temp dir that stop() removes.
 */
async function start({ port = 7687, dataDir, log = defaultLog } = {}) {
  const p = paths(port);
  const uri = `bolt://127.0.0.1:${port}`;
  fs.mkdirSync(p.dir, { recursive: true });

  const oldPid = readPid(p.pidFile);
  if (oldPid && isLauncherAlive(oldPid)) {
    await waitReady(port, oldPid, p, () => false); // may still be starting (a concurrent start)
    log(`reusing Neo4j launcher pid ${oldPid} at ${uri}`);
    return { uri, pid: oldPid, reused: true };
  }
  if (oldPid) {
    // Stale state from a launcher that died without stop().
    fs.rmSync(p.pidFile, { force: true });
    removeOwnedData(p);
  }
  if (await portOpen(port)) {
    throw new Error(`port ${port} is already in use by another process (not a launcher started by control.js)`);
  }

  await build({ log });
  if (!onPath('java')) throw new Error('java is not on PATH; cannot start the Neo4j launcher');

  let data = dataDir ? path.resolve(dataDir) : null;
  if (data) {
    fs.mkdirSync(data, { recursive: true });
  } else {
    data = fs.mkdtempSync(path.join(os.tmpdir(), `neo4j-data-${port}-`));
    fs.writeFileSync(p.dataFile, data + '\n');
  }

  const extra = (process.env.NEO4J_LAUNCHER_JAVA_OPTS || '').split(/\s+/).filter(Boolean);
  const args = [...JVM_FLAGS, ...extra, '-jar', JAR, '--port', String(port), '--data', data];
  const out = fs.openSync(p.logFile, 'w');
  let child;
  try {
    child = spawn('java', args, { cwd: ROOT, detached: true, stdio: ['ignore', out, out] });
  } finally {
    fs.closeSync(out);
  }
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  child.unref();
  if (!child.pid) throw new Error(`could not spawn java; ${p.logFile}:\n${logTail(p.logFile)}`);
  fs.writeFileSync(p.pidFile, `${child.pid}\n`);
  log(`starting Neo4j (pid ${child.pid}, data ${data}, log ${p.logFile})`);

  const t0 = Date.now();
  try {
    await waitReady(port, child.pid, p, () => exited);
  } catch (e) {
    await stop({ port, log: () => {} });
    throw e;
  }
  log(`Neo4j ready at ${uri} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { uri, pid: child.pid, reused: false };
}

/** Stops the launcher on `port` (SIGTERM, SIGKILL after 20 s). No error if none is running. */
async function stop({ port = 7687, log = defaultLog } = {}) {
  const p = paths(port);
  const pid = readPid(p.pidFile);
  if (pid && isLauncherAlive(pid)) {
    log(`stopping Neo4j launcher pid ${pid}`);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isLauncherAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isLauncherAlive(pid)) {
      log(`pid ${pid} still running after ${STOP_GRACE_MS / 1000}s; sending SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      const killDeadline = Date.now() + 5000;
      while (isLauncherAlive(pid) && Date.now() < killDeadline) await sleep(100);
    }
  }
  fs.rmSync(p.pidFile, { force: true });
  removeOwnedData(p);
}

/** The pid of the launcher running on `port`, or null: for tests that stop (SIGSTOP) or kill it. */
function runningPid({ port = 7687 } = {}) {
  const pid = readPid(paths(port).pidFile);
  return pid && isLauncherAlive(pid) ? pid : null;
}

module.exports = { javaToolsAvailable, build, start, stop, runningPid, needsBuild, JAR };

if (require.main === module) {
  const cmd = process.argv[2];
  const port = Number.parseInt(process.env.NEO4J_TEST_PORT || '7687', 10);
  const run = {
    start: async () => {
      const { uri } = await start({ port });
      process.stdout.write(`NEO4J_URI=${uri}\n`);
    },
    stop: () => stop({ port }),
    build: () => build(),
  }[cmd];
  if (!run) {
    process.stderr.write('usage: node graph/neo4j-launcher/control.js start|stop|build  (env NEO4J_TEST_PORT, default 7687)\n');
    process.exit(2);
  }
  run().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`[neo4j-launcher] ${e && e.message ? e.message : e}\n`);
      process.exit(1);
    },
  );
}

'use strict';
// Builds the launcher jar with Maven when it is missing or older than its sources. Plain
// CommonJS with node built-ins only (used before any TypeScript is compiled).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = __dirname;
const JAR = path.join(ROOT, 'target', 'neo4j-launcher.jar');
const LIB = path.join(ROOT, 'target', 'lib');
const defaultLog = (msg) => process.stderr.write(`[neo4j-launcher] ${msg}\n`);

function onPath(cmd) {
  return (process.env.PATH || '').split(path.delimiter).some((d) => {
    try {
      fs.accessSync(path.join(d, cmd), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** True when both `java` and `mvn` are on PATH. */
function javaToolsAvailable() {
  return onPath('java') && onPath('mvn');
}

function newestSourceMtime() {
  let newest = fs.statSync(path.join(ROOT, 'pom.xml')).mtimeMs;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'src'));
  return newest;
}

function needsBuild() {
  if (!fs.existsSync(JAR) || !fs.existsSync(LIB)) return true;
  return fs.statSync(JAR).mtimeMs < newestSourceMtime();
}

/**
 * Runs Maven if the jar is missing or older than pom.xml / a source file. Maven's output is
 * filtered to one line per downloaded artifact plus warnings, errors and the result.
 * Resolves { built: boolean }.
 */
function build({ log = defaultLog } = {}) {
  if (!needsBuild()) return Promise.resolve({ built: false });
  if (!onPath('mvn')) return Promise.reject(new Error('mvn is not on PATH; cannot build the Neo4j launcher'));
  log('building with Maven (the first build downloads ~125 MB of Neo4j jars)');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Not -q: quiet mode hides the download lines that show progress on a first build.
    const mvn = spawn('mvn', ['-B', '-Dstyle.color=never', 'package', '-DskipTests'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail = [];
    let pending = '';
    let downloads = 0;
    const onLine = (raw) => {
      // eslint-disable-next-line no-control-regex -- Maven 3.8 colours its output even with -B: strip the escape codes.
      const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
      if (!line) return;
      tail.push(line);
      if (tail.length > 60) tail.shift();
      // ".../maven2/org/neo4j/neo4j-kernel/5.26.30/neo4j-kernel-5.26.30.jar (12 MB at 40 MB/s)"
      const dl = line.match(/^\[INFO\] Downloaded from \S+: \S+?\/maven2\/(.+)\/([^/]+)\/([^/]+)\/[^/]+\.(\w+) \(([^)]*)\)/);
      if (dl) {
        downloads++;
        // One line per jar; the many .pom/.sha1 downloads are only counted.
        if (dl[4] === 'jar') log(`mvn: downloaded ${dl[1].replace(/\//g, '.')}:${dl[2]}:${dl[3]} (${dl[5].replace(/ at .*/, '')})`);
      } else if (/^\[(ERROR|WARNING)\]/.test(line) || /BUILD FAILURE/.test(line)) {
        log(`mvn: ${line}`);
      }
    };
    const feed = (chunk) => {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop();
      parts.forEach(onLine);
    };
    mvn.stdout.setEncoding('utf8').on('data', feed);
    mvn.stderr.setEncoding('utf8').on('data', feed);
    mvn.on('error', reject);
    mvn.on('close', (code) => {
      if (pending) onLine(pending);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0 && fs.existsSync(JAR)) {
        log(`built ${path.relative(process.cwd(), JAR)} in ${secs}s (${downloads} files downloaded)`);
        // Maven may keep an older mtime if nothing changed; make the jar newer than the sources.
        const now = new Date();
        fs.utimesSync(JAR, now, now);
        resolve({ built: true });
      } else {
        reject(new Error(`mvn package failed (exit ${code}) after ${secs}s:\n${tail.join('\n')}`));
      }
    });
  });
}

module.exports = { onPath, javaToolsAvailable, needsBuild, build, JAR };

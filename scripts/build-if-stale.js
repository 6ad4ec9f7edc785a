'use strict';
// Compiles the project only when a source changed since the last successful compile, so the npm
// CLIs start at once instead of running `tsc` (several seconds) every time.
//
//   node scripts/build-if-stale.js                  (prestart: compile if stale, then exit)
//   node -r ./scripts/build-if-stale.js dist/X.js   (the CLIs: compile if stale, then run X)
//
// As a preload (-r) it runs before Node resolves and loads the main module, so the CLI itself
// runs as the process's main module: its node flags, arguments, stdout, exit code and signals
// are the ones it would have with plain `node dist/X.js`, and `require.main === module` holds.
// The CLI scripts `exec` node: npm passes SIGTERM to its shell, and dash would die of it and leave
// the CLI running. `npm start` does not: npm also forwards a terminal's Ctrl-C, so an exec'd
// server would see SIGINT twice, the second one cutting its graceful shutdown short.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { isMainThread } = require('node:worker_threads');

const ROOT = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['src', 'graph', 'resolvers', 'schema', 'bench'];
const SOURCE_FILES = ['tsconfig.json', 'package.json'];
/** Touched after each successful compile; it goes with dist/ when dist/ is deleted. */
const STAMP = path.join(ROOT, 'dist', '.build-stamp');

/** Newest mtime (ms) of the TypeScript sources the CLIs are compiled from, and of the build settings. */
function newestSource() {
  let newest = 0;
  const consider = (file) => (newest = Math.max(newest, fs.statSync(file).mtimeMs));
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(full);
      } else if (entry.name.endsWith('.ts')) {
        consider(full);
      }
    }
  };
  SOURCE_DIRS.forEach((dir) => walk(path.join(ROOT, dir)));
  SOURCE_FILES.forEach((file) => consider(path.join(ROOT, file)));
  return newest;
}

function stampTime() {
  try {
    return fs.statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

function buildIfStale() {
  if (newestSource() < stampTime()) return;
  process.stderr.write('compiling (sources changed since the last build) …\n');
  // The stamp gets the time the compile started: a file saved while tsc runs stays newer than it.
  const started = new Date();
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  // tsc reports errors on stdout; they go to stderr so that a CLI's stdout holds only its output.
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write(`compile failed (${result.error ? result.error.message : `tsc exited ${result.status}`})\n`);
    process.exit(result.status || 1);
  }
  fs.closeSync(fs.openSync(STAMP, 'w'));
  fs.utimesSync(STAMP, started, started);
}

// Worker threads inherit the preload (bench abuse starts some); the main thread has compiled already.
if (isMainThread) buildIfStale();

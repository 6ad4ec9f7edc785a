import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from '../src/server/settings';
import { projectRoot } from '../src/shared/paths';

/** A load generator is one client at hundreds of requests a second: the per-principal quota would measure itself. */
export const UNTHROTTLED: ServerSettings = {
  ...DEFAULT_SERVER_SETTINGS,
  requestsPerMinute: { account: 1e9, partner: 1e9, admin: 1e9, anonymous: 1e9 },
};

/** `npm start`'s node flags, read from package.json, so a benchmark's server runs as a user's does. */
export function startFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts;
  const flags = /^node (.*?)\s*dist\/src\/server\/main\.js$/.exec(scripts.start);
  if (!flags) throw new Error(`package.json's start script is not \`node [flags] dist/src/server/main.js\`: ${scripts.start}`);
  return flags[1].split(/\s+/).filter(Boolean);
}

import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, found from this file whether run from src/ (jest) or dist/src/ (node). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

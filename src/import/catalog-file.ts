import { promises as fs } from 'node:fs';
import type { Title } from '../domain/types';
import { parseNetflixTitles } from './netflix-titles';

export interface CatalogImport {
  titles: Title[];
  skipped: { line: number; reason: string }[];
}

/** Reads a netflix_titles.csv the user provides; a missing or unreadable file is a clear error. */
export async function readCatalogFile(file: string): Promise<CatalogImport> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the catalog file ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const { titles, skipped } = parseNetflixTitles(text);
  if (titles.length === 0) throw new Error(`${file} holds no usable netflix_titles.csv rows`);
  return { titles, skipped };
}

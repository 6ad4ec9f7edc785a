import { promises as fs } from 'node:fs';
import type { Title } from '../../graph/types';
import { parseNetflixTitles } from './netflix-titles';

/** Catalog file formats the importer reads. */
export const CATALOG_FORMATS = ['netflix-titles'] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

export interface CatalogImport {
  titles: Title[];
  skipped: { line: number; reason: string }[];
}

/** Reads a catalog file the user provides; a missing or unreadable file is a clear error. */
export async function readCatalogFile(file: string, format: CatalogFormat = 'netflix-titles'): Promise<CatalogImport> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the catalog file ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const { titles, skipped } = parseNetflixTitles(text);
  if (titles.length === 0) throw new Error(`${file} holds no usable ${format} rows`);
  return { titles, skipped };
}

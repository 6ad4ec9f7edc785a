/** What `npm run import -- --catalog <format>` and CATALOG_FORMAT accept (see import-dataset.ts). */
export const IMPORT_FORMATS = ['netflix-titles', 'movielens'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

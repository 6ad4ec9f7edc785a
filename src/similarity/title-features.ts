import type { Title } from '../domain/types';

/** The kinds of metadata two titles can share; all but era are node kinds in the Neo4j graph. */
export const FEATURE_KINDS = ['director', 'cast', 'genre', 'tag', 'country', 'language', 'era'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/**
 * How much sharing one feature of a kind says, before rarity weighting: a shared director says
 * more than a shared genre. Country and language are strong because viewers follow industries
 * (K-drama, anime) more than any single genre.
 */
export const FEATURE_WEIGHTS: Record<FeatureKind, number> = {
  director: 3,
  cast: 1.5,
  genre: 1,
  tag: 0.6,
  country: 1.2,
  language: 1,
  era: 0.5,
};

/**
 * Only the top-billed cast count: a real catalog lists up to 50 names per series, and the
 * twentieth extra says nothing about what a title is like.
 */
export const BILLED_CAST = 6;

/**
 * `kind:value` keys of a title's set-valued features; people by id, so namesakes stay apart.
 * Era is no key: release years are compared by distance (see ContentIndex), not by bucket.
 */
export function titleFeatures(t: Title): string[] {
  const keys = new Set<string>();
  for (const p of t.directors) keys.add(`director:${p.id}`);
  for (const p of t.cast.slice(0, BILLED_CAST)) keys.add(`cast:${p.id}`);
  for (const g of t.genres) keys.add(`genre:${g}`);
  for (const tag of t.tags) keys.add(`tag:${tag}`);
  // Importers mark an unknown country or language "XX"/"xx": two unknowns are not a match.
  if (t.country !== 'XX') keys.add(`country:${t.country}`);
  if (t.language !== 'xx') keys.add(`language:${t.language}`);
  return [...keys];
}

export function featureKind(key: string): FeatureKind {
  return key.slice(0, key.indexOf(':')) as FeatureKind;
}

export function featureValue(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

import type { PersonRef, Title } from '../domain/types';
import { countryName, languageName } from '../shared/display-names';
import { featureKind, featureValue, type FeatureKind } from './title-features';

/** Reason parts in this order, at most MAX_PARTS of them: the strongest kinds of evidence first. */
const ORDER: (FeatureKind | 'co-watch')[] = ['director', 'cast', 'genre', 'co-watch', 'country', 'language', 'tag', 'era'];
const MAX_PARTS = 4;

/**
 * A readable reason for a SIMILAR_TO edge, e.g. "Same director: Bong Joon-ho; shared genres:
 * Crime TV Shows, Korean TV Shows; both from South Korea". Pure: built from the edge's basis
 * and the two titles, so both stores give the same words.
 */
export function similarityReason(from: Title, to: Title, basis: readonly string[]): string {
  const people = new Map<string, PersonRef>([...to.cast, ...to.directors, ...from.cast, ...from.directors].map((p) => [p.id, p]));
  const byKind = new Map<string, string[]>();
  for (const key of basis) {
    const kind = key.startsWith('co-watch:') ? 'co-watch' : featureKind(key);
    byKind.set(kind, [...(byKind.get(kind) ?? []), featureValue(key)]);
  }
  const parts: string[] = [];
  for (const kind of ORDER) {
    const values = byKind.get(kind);
    if (!values) continue;
    if (kind === 'language' && byKind.has('country')) continue; // "from South Korea" already says it
    parts.push(describe(kind, values, people));
  }
  const text = parts.slice(0, MAX_PARTS).join('; ') || 'Similar titles';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(kind: FeatureKind | 'co-watch', values: string[], people: Map<string, PersonRef>): string {
  const list = (xs: string[]) => xs.slice(0, 3).join(', ');
  const names = () => values.map((id) => people.get(id)?.name ?? id);
  switch (kind) {
    case 'director':
      return `${values.length > 1 ? 'same directors' : 'same director'}: ${list(names())}`;
    case 'cast':
      return `shared cast: ${list(names())}`;
    case 'genre':
      return `shared ${values.length > 1 ? 'genres' : 'genre'}: ${list(values)}`;
    case 'co-watch':
      return `watched together by ${values[0]} ${values[0] === '1' ? 'viewer' : 'viewers'}`;
    case 'country':
      return `both from ${countryName(values[0])}`;
    case 'language':
      return `both in ${languageName(values[0])}`;
    case 'tag':
      return `both ${list(values)}`;
    case 'era':
      return `both from the ${values[0]}`;
  }
}

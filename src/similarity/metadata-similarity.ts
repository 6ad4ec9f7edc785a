import type { Title } from '../../graph/types';

export interface SimilarTitleResult {
  title: Title;
  score: number;
  reason: string;
}

/** Answers "titles like this one"; the Neo4j SIMILAR_TO graph implements the same interface. */
export interface SimilarityService {
  similar(title: Title, limit: number): SimilarTitleResult[];
}

/** Weights of each kind of shared metadata: a shared director says more than a shared genre. */
const WEIGHTS = { director: 3, cast: 1.5, genre: 1, tag: 0.5, country: 0.7, language: 0.5, era: 0.5 };

const shared = <T>(a: readonly T[], b: readonly T[]) => a.filter((x) => b.includes(x));

/** Overlap score of two titles' metadata with the parts that explain it. Pure. */
export function metadataOverlap(a: Title, b: Title): { score: number; parts: string[] } {
  const directors = shared(a.directors.map((p) => p.name), b.directors.map((p) => p.name));
  const cast = shared(a.cast.map((p) => p.name), b.cast.map((p) => p.name));
  const genres = shared(a.genres, b.genres);
  const tags = shared(a.tags, b.tags);
  const sameEra = Math.abs(a.releaseYear - b.releaseYear) <= 5;
  const score =
    WEIGHTS.director * directors.length + WEIGHTS.cast * cast.length +
    WEIGHTS.genre * genres.length / Math.sqrt(a.genres.length * b.genres.length) + WEIGHTS.tag * tags.length +
    (a.country === b.country ? WEIGHTS.country : 0) + (a.language === b.language ? WEIGHTS.language : 0) + (sameEra ? WEIGHTS.era : 0);
  const parts: string[] = [];
  if (directors.length) parts.push(`Same director: ${directors.join(', ')}`);
  if (cast.length) parts.push(`shared cast: ${cast.slice(0, 3).join(', ')}`);
  if (genres.length) parts.push(`shared genres: ${genres.join(', ')}`);
  if (tags.length) parts.push(`both ${tags.slice(0, 2).join(', ')}`);
  if (a.country === b.country) parts.push(`same country: ${a.country}`);
  return { score, parts };
}

/** Brute force over the in-memory catalog; fine for thousands of titles. */
export class MetadataSimilarity implements SimilarityService {
  constructor(private readonly titles: () => Iterable<Title>) {}

  similar(title: Title, limit: number): SimilarTitleResult[] {
    const scored: SimilarTitleResult[] = [];
    for (const other of this.titles()) {
      if (other.id === title.id) continue;
      const { score, parts } = metadataOverlap(title, other);
      if (score <= 0) continue;
      const reason = parts.join('; ');
      scored.push({ title: other, score: Math.round(score * 1000) / 1000, reason: reason.charAt(0).toUpperCase() + reason.slice(1) });
    }
    return scored.sort((a, b) => b.score - a.score || (a.title.id < b.title.id ? -1 : 1)).slice(0, limit);
  }
}

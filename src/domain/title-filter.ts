import type { Title } from './types';

/**
 * What a frontend narrows one answer to (a films-only page, a short-runtime rail, no horror):
 * titles having one of `includeGenres` (when given) and none of `excludeGenres`, of one of
 * `kinds` (when given), at most `maxRuntimeMinutes` long (an episode, for a series).
 */
export interface TitleFilter {
  includeGenres?: string[];
  excludeGenres?: string[];
  kinds?: Title['kind'][];
  maxRuntimeMinutes?: number;
}

/** Whether a title passes the filter (every title passes no filter). */
export function passesFilter(filter: TitleFilter | undefined, t: Title): boolean {
  if (!filter) return true;
  if (filter.includeGenres && !t.genres.some((g) => filter.includeGenres!.includes(g))) return false;
  if (filter.excludeGenres && t.genres.some((g) => filter.excludeGenres!.includes(g))) return false;
  if (filter.kinds && !filter.kinds.includes(t.kind)) return false;
  return filter.maxRuntimeMinutes === undefined || t.runtimeMinutes <= filter.maxRuntimeMinutes;
}

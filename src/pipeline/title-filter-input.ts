import { z } from 'zod';
import { TITLE_KINDS } from '../domain/types';
import { invalidInput } from '../domain/errors';
import type { TitleFilter } from '../domain/title-filter';

/** At most this many genres in each list of a filter. */
export const MAX_FILTER_GENRES = 20;

const genres = z
  .array(z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'))
  .max(MAX_FILTER_GENRES, `must hold at most ${MAX_FILTER_GENRES} genres`);

const TitleFilterInput = z.object({
  includeGenres: genres.nullish(),
  excludeGenres: genres.nullish(),
  kinds: z.array(z.enum(TITLE_KINDS)).min(1, 'must name at least one kind').nullish(),
  maxRuntimeMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .nullish(),
});
export type TitleFilterData = z.input<typeof TitleFilterInput>;

/**
 * Checks a client's filter against the catalog's genres (an unknown genre is a typo, not an empty
 * answer): InvalidInputError naming the field. Null or an empty filter is no filter.
 */
export function parseTitleFilter(
  input: TitleFilterData | null | undefined,
  knownGenres: ReadonlySet<string>,
  root: string,
): TitleFilter | undefined {
  if (input === null || input === undefined) return undefined;
  const parsed = TitleFilterInput.superRefine((f, ctx) => {
    for (const key of ['includeGenres', 'excludeGenres'] as const)
      f[key]?.forEach((g, i) => {
        if (!knownGenres.has(g)) ctx.addIssue({ code: 'custom', path: [key, i], message: `is not a genre of the catalog: "${g}"` });
      });
  }).safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, root);
  const f = parsed.data;
  const filter: TitleFilter = {
    ...(f.includeGenres?.length ? { includeGenres: [...new Set(f.includeGenres)].sort() } : {}),
    ...(f.excludeGenres?.length ? { excludeGenres: [...new Set(f.excludeGenres)].sort() } : {}),
    ...(f.kinds ? { kinds: [...new Set(f.kinds)].sort() } : {}),
    ...(f.maxRuntimeMinutes ? { maxRuntimeMinutes: f.maxRuntimeMinutes } : {}),
  };
  return Object.keys(filter).length > 0 ? filter : undefined;
}

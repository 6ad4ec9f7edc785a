import { z } from 'zod';
import { ARTWORK_THEMES, MATURITY_TIERS, TITLE_KINDS } from '../domain/types';
import { invalidInput } from '../domain/errors';

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const names = (max: number) =>
  z
    .array(name)
    .max(max, `must hold at most ${max} names`)
    .refine((xs) => new Set(xs).size === xs.length, 'must not repeat a name');

/** What a catalog team sends to add a title; GraphQL checks the types, this checks the values. */
const NewTitleSchema = z
  .object({
    externalId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit'),
    name,
    kind: z.enum(TITLE_KINDS),
    description: z.string().max(2000, 'must be at most 2000 characters').nullish(),
    genres: names(10).min(1, 'must hold at least one genre'),
    tags: names(20).nullish(),
    cast: names(50).nullish(),
    directors: names(10).nullish(),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "KR"'),
    language: z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as "ko"'),
    releaseYear: z
      .number()
      .int()
      .min(1888, 'must be 1888 or later')
      .max(new Date().getUTCFullYear() + 5, 'must not be more than 5 years ahead'),
    maturityRating: z.string().trim().min(1, 'must not be empty').max(16, 'must be at most 16 characters'),
    maturityTier: z.enum(MATURITY_TIERS),
    runtimeMinutes: z.number().int().min(1, 'must be 1-600').max(600, 'must be 1-600'),
    seasons: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').nullish(),
    criticScore: z.number().int().min(0, 'must be 0-100').max(100, 'must be 0-100').nullish(),
    artworkThemes: z.array(z.enum(ARTWORK_THEMES)).min(1, 'must hold at least one theme').max(8, 'must hold at most 8 themes').nullish(),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'SERIES' && !t.seasons) ctx.addIssue({ code: 'custom', path: ['seasons'], message: 'is required for a series' });
    if (t.kind === 'MOVIE' && t.seasons) ctx.addIssue({ code: 'custom', path: ['seasons'], message: 'must be empty for a movie' });
  });

export type NewTitleInputData = z.input<typeof NewTitleSchema>;
export type NewTitleData = z.output<typeof NewTitleSchema>;

/** Validates a new title; throws BAD_USER_INPUT naming the field, e.g. `input.genres[1]`. */
export function parseNewTitle(input: NewTitleInputData): NewTitleData {
  const parsed = NewTitleSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, 'input');
  return parsed.data;
}

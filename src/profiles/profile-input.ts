import { z } from 'zod';
import { MATURITY_TIERS, tierRank, type MaturityTier } from '../domain/types';
import { InvalidInputError, invalidInput } from '../domain/errors';

/** Netflix's number: one account, at most five viewers. */
export const MAX_PROFILES_PER_ACCOUNT = 5;
/** A kids profile may be limited to kids' titles at most: a higher limit is an adult profile. */
export const KIDS_MAX_TIER: MaturityTier = 'OLDER_KIDS';
export const MAX_ONBOARDING_GENRES = 10;
export const MAX_ONBOARDING_TITLES = 20;

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
const language = z.string().regex(/^[a-z]{2}$/, 'must be a lower-case ISO 639-1 code such as "en" or "ko"');

const ProfileFields = z.object({
  name,
  isKids: z.boolean().nullish(),
  maturityLimit: z.enum(MATURITY_TIERS).nullish(),
  language: language.nullish(),
});
export type ProfileFieldsData = z.input<typeof ProfileFields>;

const UpdateFields = ProfileFields.partial();
/** What a client may send; a null name reaches the validator, which refuses it (a name can change, not be removed). */
export type ProfileUpdateData = Omit<z.input<typeof UpdateFields>, 'name'> & { name?: string | null };

const Onboarding = z
  .object({
    genres: z
      .array(z.string().trim().min(1, 'must not be empty'))
      .max(MAX_ONBOARDING_GENRES, `must hold at most ${MAX_ONBOARDING_GENRES} genres`),
    titleIds: z
      .array(z.string().min(1, 'must not be empty'))
      .max(MAX_ONBOARDING_TITLES, `must hold at most ${MAX_ONBOARDING_TITLES} titles`),
  })
  .refine((o) => o.genres.length + o.titleIds.length > 0, { message: 'must name at least one genre or title', path: ['genres'] });
export type OnboardingData = z.input<typeof Onboarding>;

function parse<S extends z.ZodTypeAny>(schema: S, value: unknown, root: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error, root);
  return parsed.data;
}

export const parseNewProfile = (input: ProfileFieldsData) => parse(ProfileFields, input, 'input');
export const parseProfileUpdate = (input: ProfileUpdateData) => parse(UpdateFields, input, 'input');
export const parseOnboarding = (input: OnboardingData) => parse(Onboarding, input, 'input');

/** The kids flag and the limit agree: a kids profile is limited to kids' titles (default OLDER_KIDS), an adult one defaults to ADULTS. */
export function settledLimit(isKids: boolean, asked: MaturityTier | null | undefined): MaturityTier {
  const limit = asked ?? (isKids ? KIDS_MAX_TIER : 'ADULTS');
  if (isKids && tierRank(limit) > tierRank(KIDS_MAX_TIER)) {
    throw new InvalidInputError('input.maturityLimit', `a kids profile's limit is at most ${KIDS_MAX_TIER}, got ${limit}`);
  }
  return limit;
}

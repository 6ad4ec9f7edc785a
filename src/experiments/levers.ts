import { z } from 'zod';
import type { Lever } from '../domain/experiment';
import { CANDIDATE_SOURCES } from '../pipeline/candidates';
import { ARTWORK_POLICIES, BASELINE_RANKERS, ROW_PLACEMENTS, type RankerSettings, type Treatment } from '../pipeline/treatment';
import { UtilityWeightsSchema } from '../pipeline/utility';

/**
 * What a variant's `settings` may say for each lever, and the part of the pipeline's treatment
 * it becomes. An empty object is the product's default for that lever (the usual control).
 */
const RankerSchema = z
  .object({
    model: z.enum(['TRAINED', ...BASELINE_RANKERS]).default('TRAINED'),
    utility: UtilityWeightsSchema.optional(),
  })
  .strict()
  .refine((s) => s.model === 'TRAINED' || !s.utility, 'utility weights apply to the TRAINED ranker only');

const SourcesSchema = z
  .object({
    off: z
      .array(z.enum(CANDIDATE_SOURCES))
      .max(CANDIDATE_SOURCES.length - 1, 'must leave at least one source on')
      .default([]),
    quotas: z.partialRecord(z.enum(CANDIDATE_SOURCES), z.number().int().min(1).max(1000)).default({}),
  })
  .strict();

const LEVER_SCHEMAS = {
  RANKER: RankerSchema.transform((ranker): Treatment => ({ ranker })),
  SOURCES: SourcesSchema.transform((sources): Treatment => ({ sources })),
  EXPLORATION: z
    .object({ share: z.number().min(0).max(0.5).optional() })
    .strict()
    .transform((s): Treatment => (s.share === undefined ? {} : { explorationShare: s.share })),
  ROW_PLACEMENT: z
    .object({ policy: z.enum(ROW_PLACEMENTS).default('PERSONALIZED') })
    .strict()
    .transform((s): Treatment => ({ rowPlacement: s.policy })),
  ARTWORK: z
    .object({ policy: z.enum(ARTWORK_POLICIES).default('THOMPSON') })
    .strict()
    .transform((s): Treatment => ({ artwork: s.policy })),
  PROMOTIONS: z
    .object({ enabled: z.boolean().default(true) })
    .strict()
    .transform((s): Treatment => (s.enabled ? {} : { promotions: false })),
} satisfies Record<Lever, z.ZodType<Treatment>>;

/** The lever's settings as the pipeline's treatment; a zod error naming the setting when they are invalid. */
export function leverTreatment(lever: Lever, settings: Record<string, unknown>): z.ZodSafeParseResult<Treatment> {
  return LEVER_SCHEMAS[lever].safeParse(settings);
}

/** The ranker a RANKER variant's settings name (for interleaving's teams). */
export function rankerSettings(settings: Record<string, unknown>): RankerSettings {
  return RankerSchema.parse(settings);
}

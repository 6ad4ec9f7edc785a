import { z } from 'zod';
import { InvalidInputError, invalidInput } from '../domain/errors';
import {
  EXPERIMENT_KINDS,
  EXPERIMENT_METRICS,
  EXPERIMENT_UNITS,
  LEVERS,
  layerHolders,
  slicesOverlap,
  type Experiment,
  experimentExists,
} from '../domain/experiment';
import { leverTreatment } from './levers';

const MAX_VARIANTS = 6;
/** Weights are written by people as 0.34/0.33/0.33 or 1/3: close enough to 1 is 1. */
const WEIGHT_TOLERANCE = 0.011;
const id = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, dots, dashes and underscores, starting with a letter or digit');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const NewExperimentSchema = z.object({
  id,
  description: text(500),
  hypothesis: text(1000),
  kind: z.enum(EXPERIMENT_KINDS).default('AB'),
  unit: z.enum(EXPERIMENT_UNITS).default('ACCOUNT'),
  salt: id.optional(),
  lever: z.enum(LEVERS, { error: `must be one of ${LEVERS.join(', ')}` }),
  variants: z
    .array(
      z.object({ name: id, weight: z.number().gt(0, 'must be above 0').max(1), settings: z.record(z.string(), z.unknown()).default({}) }),
    )
    .min(2, 'must hold a control and at least one treatment')
    .max(MAX_VARIANTS, `must hold at most ${MAX_VARIANTS} variants`),
  trafficShare: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').default(1),
  layerStart: z.number().min(0).lt(1).optional(),
  primaryMetric: z.enum(EXPERIMENT_METRICS),
  guardrailMetrics: z.array(z.enum(EXPERIMENT_METRICS)).max(EXPERIMENT_METRICS.length).default(['LATENCY_P99', 'ERROR_RATE']),
});

export type NewExperimentInput = z.input<typeof NewExperimentSchema>;

/**
 * A new DRAFT experiment from what an admin sent, or BAD_USER_INPUT naming the field: weights
 * must sum to 1, variant names be distinct, each variant's settings be valid for the lever, an
 * interleaving compare exactly two rankers, and the slice fit in the layer. Without `layerStart`
 * the experiment takes the lowest free slice of its lever's layer among `existing`; the store
 * checks the slice again, atomically, when it writes.
 */
export function newExperiment(input: NewExperimentInput, existing: readonly Experiment[], now: number): Experiment {
  const parsed = NewExperimentSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, 'experiment');
  const e = parsed.data;
  if (existing.some((x) => x.id === e.id)) throw experimentExists(e.id);
  const sum = e.variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE)
    throw new InvalidInputError(
      'experiment.variants',
      `weights sum to ${round(sum)}; they must sum to 1 (shares of the experiment's traffic)`,
    );
  if (new Set(e.variants.map((v) => v.name)).size !== e.variants.length)
    throw new InvalidInputError('experiment.variants', 'variant names must be distinct');
  e.variants.forEach((v, i) => {
    const treatment = leverTreatment(e.lever, v.settings);
    if (!treatment.success) throw invalidInput(treatment.error, `experiment.variants[${i}].settings`);
  });
  if (e.kind === 'INTERLEAVING' && (e.lever !== 'RANKER' || e.variants.length !== 2))
    throw new InvalidInputError('experiment.kind', 'an INTERLEAVING experiment compares exactly two variants of the RANKER lever');
  const start = e.layerStart ?? freeStart(existing, e.lever, e.trafficShare);
  if (start === null || start + e.trafficShare > 1 + 1e-9)
    throw new InvalidInputError(
      'experiment.trafficShare',
      start === null
        ? `no free slice of ${e.trafficShare} is left in the ${e.lever} layer; stop an experiment on the lever or ask for less traffic`
        : `layerStart ${start} + trafficShare ${e.trafficShare} goes past the end of the layer (1)`,
    );
  return {
    id: e.id,
    description: e.description,
    hypothesis: e.hypothesis,
    kind: e.kind,
    unit: e.unit,
    salt: e.salt ?? e.id,
    lever: e.lever,
    // Weights as given, scaled so they sum to 1 exactly: the hash buckets by them.
    variants: e.variants.map((v) => ({ name: v.name, weight: v.weight / sum, settings: v.settings })),
    layer: { start, end: Math.min(1, round(start + e.trafficShare)) },
    primaryMetric: e.primaryMetric,
    guardrailMetrics: [...new Set(e.guardrailMetrics)],
    status: 'DRAFT',
    createdAt: now,
    startedAt: null,
    stoppedAt: null,
  };
}

/** The lowest start at which a slice of `share` overlaps no holder of the lever's layer, or null. */
function freeStart(existing: readonly Experiment[], lever: Experiment['lever'], share: number): number | null {
  const holders = layerHolders(existing, lever);
  const starts = [0, ...holders.map((h) => h.layer.end)].sort((a, b) => a - b);
  return starts.find((s) => s + share <= 1 + 1e-9 && !holders.some((h) => slicesOverlap(h.layer, { start: s, end: s + share }))) ?? null;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

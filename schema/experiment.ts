import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { EXPERIMENT_KINDS, EXPERIMENT_METRICS, EXPERIMENT_STATUSES, EXPERIMENT_UNITS, LEVERS } from '../src/domain/experiment';
import type { NewExperimentInput as NewExperimentData } from '../src/experiments/experiment-input';
import { asEnum } from './enums';

export const Lever = asEnum(LEVERS);
export const ExperimentKind = asEnum(EXPERIMENT_KINDS);
export const ExperimentUnit = asEnum(EXPERIMENT_UNITS);
export const ExperimentMetric = asEnum(EXPERIMENT_METRICS);
export const ExperimentStatus = asEnum(EXPERIMENT_STATUSES);

registerEnumType(Lever, {
  name: 'Lever',
  description:
    'What a variant changes (each is its own layer: experiments on one lever never share a unit). RANKER: settings {model: TRAINED|HEURISTIC|POPULARITY|RANDOM, utility: {click, finish, ret}}. SOURCES: {off: [CandidateSource], quotas: {SOURCE: n}}. EXPLORATION: {share: 0..0.5}. ROW_PLACEMENT: {policy: PERSONALIZED|FIXED}. ARTWORK: {policy: THOMPSON|RANDOM|BEST}. PROMOTIONS: {enabled: true|false}. Empty settings: the product default.',
});
registerEnumType(ExperimentKind, {
  name: 'ExperimentKind',
  description:
    "AB: each unit sees one variant. INTERLEAVING: two RANKER variants' Top Picks merged by team draft; plays credit the ranker that placed the title.",
});
registerEnumType(ExperimentUnit, {
  name: 'ExperimentUnit',
  description: 'What is randomised: ACCOUNT (the default; a household sees one variant) or PROFILE.',
});
registerEnumType(ExperimentMetric, { name: 'ExperimentMetric', description: 'A metric results report; docs/EXPERIMENTS.md defines each.' });
registerEnumType(ExperimentStatus, { name: 'ExperimentStatus', description: 'DRAFT → RUNNING → STOPPED, once each.' });

@ObjectType({ simpleResolvers: true, description: 'The variant of one experiment a page (or an item of it) was built under.' })
export class ExperimentAssignment {
  @Field(() => ID, { description: 'The experiment.' })
  experimentId: string;

  @Field(() => String, {
    description: "The variant; for an interleaving, 'interleaved' on the page and the ranker's variant on a Top Picks item.",
  })
  variant: string;
}

@ObjectType({ simpleResolvers: true, description: 'One arm of an experiment.' })
export class ExperimentVariantSpec {
  @Field(() => String, { description: 'The variant name pages and impressions carry.' })
  name: string;

  @Field(() => Float, { description: "Share of the experiment's traffic." })
  weight: number;

  @Field(() => GraphQLJSONObject, { description: "The lever's settings this variant serves (see Lever)." })
  settings: Record<string, unknown>;
}

@ObjectType({ simpleResolvers: true, description: 'A controlled experiment (docs/EXPERIMENTS.md).' })
export class Experiment {
  @Field(() => ID, { description: 'Stable id: letters, digits, dots, dashes, underscores.' })
  id: string;

  @Field(() => String, { description: 'What the experiment changes, in a sentence.' })
  description: string;

  @Field(() => String, { description: 'What the experiment expects and why: the decision is checked against it.' })
  hypothesis: string;

  @Field(() => ExperimentKind, { description: 'AB or INTERLEAVING.' })
  kind: string;

  @Field(() => ExperimentUnit, { description: 'What is randomised.' })
  unit: string;

  @Field(() => String, { description: 'Seed of the assignment hash.' })
  salt: string;

  @Field(() => Lever, { description: 'What its variants change; also its layer.' })
  lever: string;

  @Field(() => [ExperimentVariantSpec], { description: 'The control first.' })
  variants: ExperimentVariantSpec[];

  @Field(() => Float, { description: 'Share of all eligible units in the experiment.' })
  trafficShare: number;

  @Field(() => Float, { description: "Where the experiment's slice of its lever's layer starts, in [0, 1)." })
  layerStart: number;

  @Field(() => ExperimentMetric, { description: 'The metric the decision rests on.' })
  primaryMetric: string;

  @Field(() => [ExperimentMetric], { description: 'Metrics the variant must not make worse.' })
  guardrailMetrics: string[];

  @Field(() => ExperimentStatus, { description: 'DRAFT, RUNNING or STOPPED.' })
  status: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was started; null while a DRAFT.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was stopped; null until then.' })
  stoppedAt: Date | null;
}

@InputType({ description: 'One arm of a new experiment.' })
export class ExperimentVariantSpecInput {
  @Field(() => String, { description: 'Letters, digits, dots, dashes, underscores; at most 64.' })
  name: string;

  @Field(() => Float, { description: "Share of the experiment's traffic; the weights sum to 1." })
  weight: number;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "The lever's settings (see Lever); absent: the product default." })
  settings?: Record<string, unknown> | null;
}

@InputType({ description: 'A new experiment; it starts as a DRAFT.' })
export class NewExperimentInput implements Omit<NewExperimentData, 'variants' | 'salt' | 'layerStart'> {
  @Field(() => ID, { description: 'Stable id (letters, digits, dots, dashes, underscores; at most 64).' })
  id: string;

  @Field(() => String, { description: 'What the experiment changes, in a sentence.' })
  description: string;

  @Field(() => String, { description: 'What it expects and why.' })
  hypothesis: string;

  @Field(() => ExperimentKind, { nullable: true, description: 'AB unless set.' })
  kind?: (typeof EXPERIMENT_KINDS)[number];

  @Field(() => ExperimentUnit, { nullable: true, description: 'ACCOUNT unless set.' })
  unit?: (typeof EXPERIMENT_UNITS)[number];

  @Field(() => String, { nullable: true, description: 'Seed of the assignment hash; the id unless set.' })
  salt?: string | null;

  @Field(() => Lever, { description: 'What its variants change.' })
  lever: (typeof LEVERS)[number];

  @Field(() => [ExperimentVariantSpecInput], { description: 'The control first; 2 to 6 variants.' })
  variants: ExperimentVariantSpecInput[];

  @Field(() => Float, { nullable: true, description: 'Share of eligible units in the experiment, (0, 1]; 1 unless set.' })
  trafficShare?: number;

  @Field(() => Float, { nullable: true, description: "Where its slice of the lever's layer starts; the lowest free one unless set." })
  layerStart?: number | null;

  @Field(() => ExperimentMetric, { description: 'The metric the decision will rest on.' })
  primaryMetric: (typeof EXPERIMENT_METRICS)[number];

  @Field(() => [ExperimentMetric], { nullable: true, description: 'LATENCY_P99 and ERROR_RATE unless set.' })
  guardrailMetrics?: (typeof EXPERIMENT_METRICS)[number][];
}

@ObjectType({ simpleResolvers: true, description: 'Units and page views a variant counted.' })
export class VariantSummary {
  @Field(() => String, { description: 'The variant.' })
  name: string;

  @Field(() => Float, { description: 'Its configured share of the traffic.' })
  weight: number;

  @Field(() => Int, { description: 'Exposed units.' })
  units: number;

  @Field(() => Int, { description: 'Distinct pages its units were shown.' })
  pageViews: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A difference against control with its 95% interval (bounds null while too few units give none).',
})
export class Estimate {
  @Field(() => Float, { description: 'Treatment − control.' })
  difference: number;

  @Field(() => Float, { nullable: true, description: 'Lower bound of the 95% interval; null while too few units give none.' })
  low: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper bound of the 95% interval; null while too few units give none.' })
  high: number | null;

  @Field(() => Boolean, { description: 'The interval leaves out 0.' })
  significant: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'CUPED: the difference adjusted by the units’ pre-experiment watch minutes.' })
export class CupedEstimate extends Estimate {
  @Field(() => Float, { description: 'Share of the variance the adjustment removed.' })
  varianceRemoved: number;
}

@ObjectType({ simpleResolvers: true, description: "A metric of one variant against control's." })
export class MetricResult extends Estimate {
  @Field(() => ExperimentMetric, { description: 'The metric.' })
  metric: string;

  @Field(() => String, { description: 'The variant compared with control.' })
  variant: string;

  @Field(() => Float, { description: "Control's value." })
  control: number;

  @Field(() => Float, { description: "The variant's value." })
  treatment: number;

  @Field(() => Float, { nullable: true, description: '(treatment − control) / control.' })
  relative: number | null;

  @Field(() => CupedEstimate, { nullable: true, description: 'WATCH_MINUTES only.' })
  cuped: CupedEstimate | null;

  @Field(() => Boolean, { nullable: true, description: 'Guardrails only: worse than control beyond chance.' })
  breached: boolean | null;
}

@ObjectType({ simpleResolvers: true, description: 'Whether units were counted in the configured proportions (chi-square).' })
export class SampleRatio {
  @Field(() => Float, { description: 'The goodness-of-fit statistic.' })
  chiSquare: number;

  @Field(() => Float, { description: 'Its p-value.' })
  p: number;

  @Field(() => Boolean, { description: 'p < 0.001: assignment or exposure logging is broken; trust no metric until explained.' })
  mismatch: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'Plays credited to one ranker of an interleaving.' })
export class CreditedPlays {
  @Field(() => String, { description: 'The ranker (variant).' })
  variant: string;

  @Field(() => Int, { description: 'Plays of titles it placed.' })
  plays: number;
}

@ObjectType({
  simpleResolvers: true,
  description: "An interleaving's verdict: the share of units preferring the challenger (the second variant).",
})
export class InterleavingResult {
  @Field(() => String, { description: 'The challenger (the second variant).' })
  variant: string;

  @Field(() => Int, { description: 'Units whose plays credited either ranker.' })
  units: number;

  @Field(() => Float, {
    description: 'Mean over units of 1 (challenger placed more of their plays), 0 (control did) or 1/2; 0.5 is no preference.',
  })
  share: number;

  @Field(() => Float, { nullable: true, description: 'Lower bound of the 95% interval of the share.' })
  low: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper bound of the 95% interval of the share.' })
  high: number | null;

  @Field(() => Boolean, { description: 'The interval leaves out 0.5.' })
  significant: boolean;

  @Field(() => [CreditedPlays], { description: 'Plays credited to each ranker.' })
  credited: CreditedPlays[];
}

@ObjectType({
  simpleResolvers: true,
  description: "An experiment's results from the stored events and the servers' timings, computed when asked.",
})
export class ExperimentResults {
  @Field(() => Experiment, { description: 'The experiment.' })
  experiment: Experiment;

  @Field(() => Date, { description: 'When these results were computed.' })
  computedAt: Date;

  @Field(() => Date, { nullable: true, description: 'The first exposure.' })
  windowStart: Date | null;

  @Field(() => Date, { description: 'The stop, or now.' })
  windowEnd: Date;

  @Field(() => [VariantSummary], { description: 'Units and page views per variant, the control first.' })
  variants: VariantSummary[];

  @Field(() => SampleRatio, { nullable: true, description: 'Null for interleavings and while a variant has no units.' })
  sampleRatio: SampleRatio | null;

  @Field(() => [MetricResult], { description: 'Every metric for every variant against control.' })
  metrics: MetricResult[];

  @Field(() => [MetricResult], { description: 'The guardrail metrics, with `breached`.' })
  guardrails: MetricResult[];

  @Field(() => InterleavingResult, { nullable: true, description: 'The preference share; null for AB experiments.' })
  interleaving: InterleavingResult | null;
}

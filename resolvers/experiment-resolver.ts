import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Experiment as ExperimentRecord } from '../src/domain/experiment';
import type { ExperimentService } from '../src/experiments/experiment-service';
import type { Difference } from '../src/experiments/statistics';
import type { ExperimentResults as Results, GuardrailResult, MetricResult as MetricRecord } from '../src/experiments/results';
import type { RequestContext } from '../src/server/context';
import { Experiment, ExperimentResults, type MetricResult, NewExperimentInput, type Estimate } from '../schema/experiment';
import { nonEmptyId } from './args';

/** Experiments: admin tokens only (docs/EXPERIMENTS.md). */
@Resolver(() => Experiment)
export class ExperimentResolver {
  constructor(private readonly service: ExperimentService) {}

  @Query(() => [Experiment], { description: 'Every experiment, oldest first (admin tokens only).' })
  async experiments(@Ctx() ctx: RequestContext): Promise<Experiment[]> {
    ctx.auth.experimentsAdmin();
    return (await this.service.list()).map(toExperiment);
  }

  @Query(() => Experiment, { description: 'One experiment (admin tokens only).' })
  async experiment(@Arg('id', () => ID, { description: 'The experiment.' }) id: string, @Ctx() ctx: RequestContext): Promise<Experiment> {
    ctx.auth.experimentsAdmin();
    return toExperiment(await this.service.get(nonEmptyId('id', id)));
  }

  @Query(() => ExperimentResults, {
    description:
      "The experiment's results as the stored events and the servers' timings say now: per variant against control, each metric with its 95% interval, CUPED, the sample-ratio check, guardrails, and an interleaving's preference (admin tokens only).",
  })
  async experimentResults(
    @Arg('id', () => ID, { description: 'The experiment.' }) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ExperimentResults> {
    ctx.auth.experimentsAdmin();
    return toResults(await this.service.results(nonEmptyId('id', id)));
  }

  @Mutation(() => Experiment, {
    description:
      'Creates a DRAFT experiment (admin tokens only). BAD_USER_INPUT names the field (weights not summing to 1, settings the lever does not take); CONFLICT with reason ALREADY_EXISTS or LAYER_OVERLAP.',
  })
  async createExperiment(
    @Arg('input', () => NewExperimentInput, { description: 'The experiment to create.' }) input: NewExperimentInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Experiment> {
    ctx.auth.experimentsAdmin();
    const { salt, layerStart, variants, ...rest } = input;
    return toExperiment(
      await this.service.create({
        ...rest,
        ...(salt != null ? { salt } : {}),
        ...(layerStart != null ? { layerStart } : {}),
        variants: variants.map((v) => ({ name: v.name, weight: v.weight, settings: v.settings ?? {} })),
      }),
    );
  }

  @Mutation(() => Experiment, {
    description: 'Starts a DRAFT experiment: pages are assigned from now on (CONFLICT ALREADY_STARTED otherwise).',
  })
  async startExperiment(
    @Arg('id', () => ID, { description: 'The experiment.' }) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Experiment> {
    ctx.auth.experimentsAdmin();
    return toExperiment(await this.service.start(nonEmptyId('id', id)));
  }

  @Mutation(() => Experiment, {
    description:
      'Stops a RUNNING experiment (its results window ends now) or abandons a DRAFT (its slice of the layer is free again); CONFLICT ALREADY_STOPPED when it was stopped already.',
  })
  async stopExperiment(
    @Arg('id', () => ID, { description: 'The experiment.' }) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Experiment> {
    ctx.auth.experimentsAdmin();
    return toExperiment(await this.service.stop(nonEmptyId('id', id)));
  }
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));
const bound = (x: number) => (Number.isFinite(x) ? x : null);

function toExperiment(e: ExperimentRecord): Experiment {
  return {
    ...e,
    trafficShare: Math.round((e.layer.end - e.layer.start) * 1e6) / 1e6,
    layerStart: e.layer.start,
    createdAt: new Date(e.createdAt),
    startedAt: date(e.startedAt),
    stoppedAt: date(e.stoppedAt),
  };
}

function toEstimate(d: Difference): Estimate {
  return { difference: d.difference, low: bound(d.interval[0]), high: bound(d.interval[1]), significant: d.significant };
}

function toMetric(m: MetricRecord | GuardrailResult): MetricResult {
  return {
    ...toEstimate(m),
    metric: m.metric,
    variant: m.variant,
    control: m.control,
    treatment: m.treatment,
    relative: m.relative,
    cuped: m.cuped ? { ...toEstimate(m.cuped), varianceRemoved: m.cuped.varianceRemoved } : null,
    breached: 'breached' in m ? m.breached : null,
  };
}

function toResults(r: Results): ExperimentResults {
  const il = r.interleaving;
  return {
    experiment: toExperiment(r.experiment),
    computedAt: new Date(r.computedAt),
    windowStart: date(r.window.from),
    windowEnd: new Date(r.window.to),
    variants: r.variants,
    sampleRatio: r.sampleRatio,
    metrics: r.metrics.map(toMetric),
    guardrails: r.guardrails.map(toMetric),
    interleaving: il && {
      variant: il.variant,
      units: il.units,
      share: il.share,
      low: bound(il.interval[0]),
      high: bound(il.interval[1]),
      significant: il.significant,
      credited: Object.entries(il.credited).map(([variant, plays]) => ({ variant, plays })),
    },
  };
}

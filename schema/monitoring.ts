import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Impressions and their takes under one value of one dimension of the served items.' })
export class DimensionTakeRate {
  @Field({ description: 'row_kind, source, position, slot or artwork.' })
  dimension: string;

  @Field({
    description:
      'The value: a row kind, a candidate source, a position band (1, 2-3, 4-6, 7-10, 11+), exploration/exploitation, an artwork choice kind.',
  })
  value: string;

  @Field(() => Int, { description: 'Impressions of items with this value.' })
  impressions: number;

  @Field(() => Int, { description: 'Of them, taken: played by the profile within 30 minutes.' })
  takes: number;

  @Field(() => Float, { description: 'takes / impressions.' })
  takeRate: number;
}

@ObjectType({ simpleResolvers: true, description: 'Recommendation quality over a span of hours.' })
export class QualityWindow {
  @Field(() => Int, { description: 'Hours with traffic in the span.' })
  hours: number;

  @Field(() => Int, { description: 'Impressions received.' })
  impressions: number;

  @Field(() => Int, { description: 'Impressions taken (a play of the title by the profile within 30 minutes).' })
  takes: number;

  @Field(() => Float, { description: 'takes / impressions.' })
  takeRate: number;

  @Field(() => Int, { description: 'Distinct titles shown (catalog coverage).' })
  titlesShown: number;

  @Field(() => Float, { description: "Mean of the ranker's p(click) over the impressions it predicted." })
  predictedClickRate: number;

  @Field(() => Float, { description: 'Take rate of those impressions.' })
  realisedClickRate: number;

  @Field(() => Float, { description: 'How well p(click) ordered the impressions by whether they were taken (0.5: not at all).' })
  clickAuc: number;

  @Field(() => [DimensionTakeRate], { description: 'Take rates by row kind, candidate source, position band, slot and artwork choice.' })
  byDimension: DimensionTakeRate[];
}

@ObjectType({ simpleResolvers: true, description: 'One hour of recommendation quality (UTC).' })
export class QualityHour {
  @Field({ description: 'Start of the hour, ISO 8601 (UTC).' })
  hour: string;

  @Field(() => Int, { description: 'Impressions received in the hour.' })
  impressions: number;

  @Field(() => Int, { description: 'Of them, taken.' })
  takes: number;

  @Field(() => Float, { description: 'takes / impressions.' })
  takeRate: number;

  @Field(() => Int, { description: 'Distinct titles shown.' })
  titlesShown: number;

  @Field(() => Float, { description: "Mean of the ranker's p(click) over the hour's predicted impressions." })
  predictedClickRate: number;

  @Field(() => Float, { description: 'Take rate of those impressions.' })
  realisedClickRate: number;

  @Field(() => Float, { description: 'AUC of p(click) over the hour (0.5: no better than chance).' })
  clickAuc: number;
}

@ObjectType({ simpleResolvers: true, description: 'A recommendation-quality anomaly: a recent window against its trailing baseline.' })
export class QualityAlert {
  @Field({ description: 'take_rate, calibration or click_auc.' })
  check: string;

  @Field({ description: 'overall, or the dimension and value that moved (e.g. row_kind=TOP_PICKS).' })
  scope: string;

  @Field(() => Float, { description: 'The figure over the baseline hours.' })
  baseline: number;

  @Field(() => Float, { description: 'The figure over the recent window.' })
  recent: number;

  @Field(() => Float, { description: 'recent / baseline − 1.' })
  change: number;

  @Field(() => Float, { description: 'p-value of the change (one-sided for falls).' })
  p: number;
}

@ObjectType({ simpleResolvers: true, description: "This replica's recommendation-quality monitor (docs/OPERATIONS.md, Monitoring)." })
export class RecommendationQuality {
  @Field(() => QualityWindow, { description: 'The most recent settled hours (MONITOR_WINDOW_HOURS).' })
  window: QualityWindow;

  @Field(() => QualityWindow, { description: 'The hours before the window (MONITOR_BASELINE_HOURS).' })
  baseline: QualityWindow;

  @Field(() => [QualityHour], { description: 'Each hour with traffic, oldest first.' })
  hours: QualityHour[];

  @Field(() => [QualityAlert], {
    description: 'The anomalies of the window against the baseline now; empty when healthy or too little traffic.',
  })
  alerts: QualityAlert[];

  @Field(() => Int, { description: 'Impressions naming a page this replica did not serve (another replica, or forgotten).' })
  unattributedImpressions: number;
}

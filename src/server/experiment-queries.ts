/** The GraphQL documents the experiment and simulation CLIs send. */

/** What the CLIs read of an experiment. */
export const EXPERIMENT_FIELDS = `id description hypothesis kind unit lever status trafficShare layerStart primaryMetric guardrailMetrics
  createdAt startedAt stoppedAt variants { name weight settings }`;
const ESTIMATE = 'difference low high significant';
/** An experiment's whole report, as `npm run experiment -- report` prints it and `npm run simulate` keeps it. */
export const RESULTS_QUERY = `query Results($id: ID!) { experimentResults(id: $id) {
  experiment { ${EXPERIMENT_FIELDS} } computedAt windowStart windowEnd
  variants { name weight units pageViews }
  sampleRatio { chiSquare p mismatch }
  metrics { metric variant control treatment relative ${ESTIMATE} cuped { ${ESTIMATE} varianceRemoved } }
  guardrails { metric variant control treatment relative ${ESTIMATE} breached }
  interleaving { variant units share low high significant credited { variant plays } } } }`;

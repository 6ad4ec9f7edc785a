import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Seconds: a homepage takes milliseconds when warm and up to the request deadline (10 s) when a
 * dependency is slow; buckets resolve both ends.
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Candidates one source gives one page: quotas are tens to a few hundred. */
const CANDIDATE_BUCKETS = [0, 10, 25, 50, 100, 200, 300, 500, 1000];

/** What the gauges read when Prometheus scrapes: the serving bundle and the bandit's cache. */
export interface GaugeSources {
  clock: () => number;
  model?: () => { version: string; trainedAt: number };
  /** When this replica last read artwork statistics from the store (undefined: never yet). */
  artworkStatisticsReadAt?: () => number | undefined;
}

/**
 * Every metric the API exports, on a registry of its own (tests run several servers in one
 * process). Label values are bounded: schema field names, error codes, store method names, stage
 * and source names, never ids or client-chosen strings. docs/OPERATIONS.md lists them.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly graphqlOperations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by type, first root field and outcome code (OK, or the first error code).',
    labelNames: ['type', 'field', 'code'],
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from the start of a GraphQL operation to its response, by type and first root field.',
    labelNames: ['type', 'field'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: 'homepage_stage_duration_seconds',
    help: 'Time spent in each stage of a homepage built from scratch (request: profile, account and watch state; total: the whole build).',
    labelNames: ['stage'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly candidates = new Histogram({
    name: 'homepage_candidates',
    help: 'Candidates each source proposed for one homepage (a title several sources propose counts for each).',
    labelNames: ['source'],
    buckets: CANDIDATE_BUCKETS,
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: 'homepage_cache_lookups_total',
    help: 'Homepage cache lookups by result (hit: a built page reused for the same profile and context bucket).',
    labelNames: ['result'],
    registers: [this.registry],
  });

  readonly rankerFallbacks = new Counter({
    name: 'ranker_fallbacks_total',
    help: 'Pages the trained ranker could not rank (the model run failed), ranked by the heuristic instead.',
    registers: [this.registry],
  });

  readonly storeDuration = new Histogram({
    name: 'store_call_duration_seconds',
    help: 'Store calls by store (embedded, neo4j) and method, failed ones included.',
    labelNames: ['store', 'method'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly storeErrors = new Counter({
    name: 'store_call_errors_total',
    help: 'Store calls that failed, by store, method and error kind (unavailable, timeout, other).',
    labelNames: ['store', 'method', 'kind'],
    registers: [this.registry],
  });

  readonly eventsWritten = new Counter({
    name: 'events_written_total',
    help: 'Viewing events by kind (playback, impression) and result (accepted, duplicate).',
    labelNames: ['kind', 'result'],
    registers: [this.registry],
  });

  readonly sharedStateUp = new Gauge({
    name: 'shared_state_connected',
    help: 'Whether this replica reaches the shared Redis (1) or serves its local view alone (0); absent with STATE=memory.',
    // Across a cluster's workers: 0 as soon as one of them serves alone.
    aggregator: 'min',
    registers: [this.registry],
  });

  readonly sharedStateChanges = new Counter({
    name: 'shared_state_changes_total',
    help: 'Changes this replica sent to the other replicas, received from them, or queued while Redis was unreachable, by kind.',
    labelNames: ['direction', 'kind'],
    registers: [this.registry],
  });

  readonly sharedStateRebuilds = new Counter({
    name: 'shared_state_rebuilds_total',
    help: "Rebuilds of this replica's counters and statistics from the store after it missed other replicas' changes.",
    registers: [this.registry],
  });

  readonly sharedStateFallbacks = new Counter({
    name: 'shared_state_fallbacks_total',
    help: 'Reads and writes of shared state (rate limits, persisted queries, exposure records) answered from the local view because Redis failed.',
    labelNames: ['operation'],
    registers: [this.registry],
  });

  readonly sources: GaugeSources = { clock: Date.now };

  constructor() {
    const sources = this.sources;
    new Gauge({
      name: 'model_bundle_info',
      help: 'The model bundle serving pages (value 1, its version as a label).',
      labelNames: ['version'],
      // Across a cluster's workers: each version some worker serves (two while a new bundle is taken up).
      aggregator: 'max',
      registers: [this.registry],
      collect() {
        this.reset();
        const model = sources.model?.();
        if (model) this.set({ version: model.version }, 1);
      },
    });
    new Gauge({
      name: 'model_bundle_age_seconds',
      help: 'Age of the serving model bundle since it was trained.',
      // Across a cluster's workers: the oldest bundle any of them serves.
      aggregator: 'max',
      registers: [this.registry],
      collect() {
        const model = sources.model?.();
        if (model) this.set((sources.clock() - model.trainedAt) / 1000);
      },
    });
    new Gauge({
      name: 'artwork_statistics_age_seconds',
      help: "Time since this replica last read the artwork bandit's statistics from the store (absent until the first read).",
      aggregator: 'max',
      registers: [this.registry],
      collect() {
        const at = sources.artworkStatisticsReadAt?.();
        if (at !== undefined) this.set((sources.clock() - at) / 1000);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition text Prometheus scrapes. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

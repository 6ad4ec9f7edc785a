import { isDeepStrictEqual } from 'node:util';
import type { ManagedTransaction } from 'neo4j-driver';
import { NotFoundError } from '../../src/domain/errors';
import {
  checkLayer,
  experimentExists,
  statusChange,
  type Experiment,
  type ExperimentStatus,
  type ExposureRecord,
  type VariantTimings,
} from '../../src/domain/experiment';
import { int, type CypherExecutor } from './cypher-executor';
import { isConstraintViolation } from './neo4j-event-writer';

type Props = Record<string, unknown>;

/**
 * Experiments on Neo4j (graph/experiment-store.ts): `(:Experiment)` nodes unique by id,
 * `(:Exposure)` nodes unique by (experimentId, profileId, day), and one `(:VariantTimings)` node
 * per (experimentId, variant) holding its running totals. Creating an experiment locks its
 * lever's `(:ExperimentLayer)` node first, so the overlap check and the create are one step
 * against concurrent creates on that lever, across processes.
 */
export class Neo4jExperiments {
  constructor(private readonly cypher: CypherExecutor) {}

  async create(experiment: Experiment): Promise<void> {
    try {
      await this.cypher.writeTx(async (tx) => {
        await tx.run('MERGE (l:ExperimentLayer {lever: $lever}) SET l._lock = true REMOVE l._lock', { lever: experiment.lever });
        const existing = await readExperiment(tx, experiment.id);
        if (existing) {
          // The driver re-runs a transaction whose commit it could not confirm: finding exactly
          // this experiment means an earlier attempt committed, which is success, not a duplicate.
          if (isDeepStrictEqual(existing, experiment)) return;
          throw experimentExists(experiment.id);
        }
        const holders = await tx.run<{ e: Props }>(
          "MATCH (e:Experiment {lever: $lever}) WHERE e.status <> 'STOPPED' RETURN properties(e) AS e",
          { lever: experiment.lever },
        );
        checkLayer(
          experiment,
          holders.records.map((r) => toExperiment(r.get('e'))),
        );
        await tx.run('CREATE (e:Experiment) SET e = $props', { props: experimentProps(experiment) });
      });
    } catch (err) {
      // Two creates of one id on different levers lock different layers: the constraint stops the second.
      if (isConstraintViolation(err)) throw experimentExists(experiment.id);
      throw err;
    }
  }

  async changeStatus(id: string, to: Exclude<ExperimentStatus, 'DRAFT'>, at: number): Promise<Experiment> {
    return this.cypher.writeTx(async (tx) => {
      const known = await readExperiment(tx, id, { lock: true });
      if (!known) throw new NotFoundError('Experiment', id);
      const changed = statusChange(known, to, at);
      await tx.run('MATCH (e:Experiment {id: $id}) SET e = $props', { id, props: experimentProps(changed) });
      return changed;
    });
  }

  async get(id: string): Promise<Experiment | null> {
    return this.cypher.readTx((tx) => readExperiment(tx, id));
  }

  async list(): Promise<Experiment[]> {
    const rows = await this.cypher.read<{ e: Props }>('MATCH (e:Experiment) RETURN properties(e) AS e ORDER BY e.createdAt, e.id');
    return rows.map((r) => toExperiment(r.e));
  }

  /**
   * MERGE keeps the stored exposure of a key, and within the batch the first row of it (a later
   * row finds the node the earlier one created). Rows go in key order, a stable sort keeping
   * the batch's order within a key, so two writers lock keys in one order and cannot deadlock.
   */
  async recordExposures(exposures: readonly ExposureRecord[]): Promise<number> {
    if (exposures.length === 0) return 0;
    const rows = [...exposures].sort(byExposureKey).map(exposureProps);
    return this.cypher.writeTx(async (tx) => {
      const result = await tx.run(
        `UNWIND $rows AS row
         MERGE (x:Exposure {experimentId: row.experimentId, profileId: row.profileId, day: row.day})
         ON CREATE SET x.unitId = row.unitId, x.variant = row.variant, x.at = row.at`,
        { rows },
      );
      return result.summary.counters.updates().nodesCreated;
    });
  }

  /** A whole experiment's exposures grow with its traffic: read without the per-call bound (the request's deadline still holds). */
  async exposuresOf(experimentId: string): Promise<ExposureRecord[]> {
    return this.cypher.unbounded().read<ExposureRecord>(
      `MATCH (x:Exposure {experimentId: $id})
       RETURN x.experimentId AS experimentId, x.variant AS variant, x.unitId AS unitId, x.profileId AS profileId, x.day AS day, x.at AS at
       ORDER BY unitId, day, profileId`,
      { id: experimentId },
    );
  }

  /**
   * Adds to each variant's totals in place; a list index past the end is null in Cypher, so
   * bucket lists of different lengths add up to the longer one. In key order, as exposures.
   */
  async addTimings(timings: readonly VariantTimings[]): Promise<void> {
    if (timings.length === 0) return;
    await this.cypher.write(
      `UNWIND $rows AS row
       MERGE (t:VariantTimings {experimentId: row.experimentId, variant: row.variant})
       ON CREATE SET t.requests = 0, t.errors = 0, t.buckets = []
       SET t.requests = t.requests + row.requests,
           t.errors = t.errors + row.errors,
           t.buckets = [i IN range(0, CASE WHEN size(t.buckets) > size(row.buckets) THEN size(t.buckets) ELSE size(row.buckets) END - 1)
                        | coalesce(t.buckets[i], 0) + coalesce(row.buckets[i], 0)]`,
      { rows: [...timings].sort(byTimingsKey).map(timingsProps) },
    );
  }

  async timingsOf(experimentId: string): Promise<VariantTimings[]> {
    return this.cypher.read<VariantTimings>(
      `MATCH (t:VariantTimings {experimentId: $id})
       RETURN t.experimentId AS experimentId, t.variant AS variant, t.requests AS requests, t.errors AS errors, t.buckets AS buckets
       ORDER BY variant`,
      { id: experimentId },
    );
  }
}

/** The experiment with this id, or null; `lock` takes its write lock first, for a read-modify-write. */
async function readExperiment(tx: ManagedTransaction, id: string, { lock = false } = {}): Promise<Experiment | null> {
  const found = await tx.run<{ e: Props }>(
    `MATCH (e:Experiment {id: $id}) ${lock ? 'SET e._lock = true REMOVE e._lock' : ''} RETURN properties(e) AS e`,
    { id },
  );
  return found.records.length ? toExperiment(found.records[0].get('e')) : null;
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const byExposureKey = (a: ExposureRecord, b: ExposureRecord) =>
  compare(a.experimentId, b.experimentId) || compare(a.profileId, b.profileId) || a.day - b.day;
const byTimingsKey = (a: VariantTimings, b: VariantTimings) => compare(a.experimentId, b.experimentId) || compare(a.variant, b.variant);

/**
 * Neo4j properties hold no maps: variants (with their free-form settings) are kept as JSON, the
 * layer as two numbers. Epoch ms go as Cypher integers (see neo4j-records.ts); a null stamp is
 * an absent property.
 */
function experimentProps(e: Experiment): Props {
  const { variants, layer, createdAt, startedAt, stoppedAt, ...scalars } = e;
  return {
    ...scalars,
    variants: JSON.stringify(variants),
    layerStart: layer.start,
    layerEnd: layer.end,
    createdAt: int(createdAt),
    startedAt: startedAt === null ? null : int(startedAt),
    stoppedAt: stoppedAt === null ? null : int(stoppedAt),
  };
}

function toExperiment(p: Props): Experiment {
  return {
    id: p.id as string,
    description: p.description as string,
    hypothesis: p.hypothesis as string,
    kind: p.kind as Experiment['kind'],
    unit: p.unit as Experiment['unit'],
    salt: p.salt as string,
    lever: p.lever as Experiment['lever'],
    variants: JSON.parse(p.variants as string) as Experiment['variants'],
    layer: { start: p.layerStart as number, end: p.layerEnd as number },
    primaryMetric: p.primaryMetric as Experiment['primaryMetric'],
    guardrailMetrics: p.guardrailMetrics as Experiment['guardrailMetrics'],
    status: p.status as Experiment['status'],
    createdAt: p.createdAt as number,
    startedAt: (p.startedAt as number | undefined) ?? null,
    stoppedAt: (p.stoppedAt as number | undefined) ?? null,
  };
}

function exposureProps(x: ExposureRecord): Props {
  return { ...x, day: int(x.day), at: int(x.at) };
}

function timingsProps(t: VariantTimings): Props {
  return { ...t, requests: int(t.requests), errors: int(t.errors), buckets: t.buckets.map(int) };
}

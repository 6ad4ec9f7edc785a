import { LoadInProgressError } from '../errors';
import type { CypherExecutor } from './cypher-executor';

/** Labels this API writes; a wipe after a crashed load deletes these and nothing else. */
const OWN_LABELS = [
  'Title',
  'Person',
  'Genre',
  'Tag',
  'Country',
  'Language',
  'Account',
  'Profile',
  'Playback',
  'Impression',
  'Artwork',
  'ThemeStats',
];
/** A loader that has not written a batch for this long is taken to have died. */
const STALE_MS = 120_000;

/**
 * Claims an empty database for one bulk load. The claim is a Meta node unique by key, so of two
 * replicas starting together only one loads; the other gets LoadInProgressError and waits. A
 * claim whose heartbeat went stale belongs to a crashed load: its partial data (of our labels
 * only) is deleted and the claim taken over. A database holding anything else is refused.
 */
export async function claimLoad(cypher: CypherExecutor, owner: string): Promise<void> {
  const state = await tryClaim(cypher, owner).catch((err: { code?: string }) => {
    // Another loader created its claim between our check and our create.
    if (err?.code === 'Neo.ClientError.Schema.ConstraintValidationFailed') return 'busy' as const;
    throw err;
  });
  if (state === 'loaded') throw new Error('bulkLoad needs an empty store: this database already holds a dataset');
  if (state === 'busy') throw new LoadInProgressError();
  if (state === 'foreign') throw new Error('the Neo4j database holds data that is not a dataset of this API; use an empty database');
  if (state === 'stale') {
    for (const label of OWN_LABELS) {
      await cypher.autoCommit(`MATCH (n:${label}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS`);
    }
  }
}

async function tryClaim(cypher: CypherExecutor, owner: string): Promise<'loaded' | 'busy' | 'stale' | 'foreign' | 'claimed'> {
  return cypher.writeTx(async (tx) => {
    if ((await tx.run('MATCH (m:Meta {key: "dataset"}) RETURN m')).records.length > 0) return 'loaded';
    // Data first, the claim after: a loader commits its claim before it writes any data, so data
    // seen here with no claim read after it is not ours. (Read the other way round, a claim
    // committed between the two reads made another loader's first titles look foreign.)
    const foreign = await tx.run('MATCH (n) WHERE NOT n:Meta RETURN n LIMIT 1');
    // Ages by the database's clock, which every replica shares, not by this host's.
    const claim = await tx.run('MATCH (m:Meta {key: "loading"}) RETURN timestamp() - m.heartbeat AS age');
    if (claim.records.length > 0) {
      if ((claim.records[0].get('age') as number) < STALE_MS) return 'busy';
      await tx.run('MATCH (m:Meta {key: "loading"}) SET m.owner = $owner, m.heartbeat = timestamp()', { owner });
      return 'stale';
    }
    if (foreign.records.length > 0) return 'foreign';
    await tx.run('CREATE (:Meta {key: "loading", owner: $owner, heartbeat: timestamp()})', { owner });
    return 'claimed';
  });
}

/** Keeps the claim alive; fails if another loader took it over. */
export async function heartbeat(cypher: CypherExecutor, owner: string): Promise<void> {
  const rows = await cypher.write('MATCH (m:Meta {key: "loading", owner: $owner}) SET m.heartbeat = timestamp() RETURN m.key', { owner });
  if (rows.length === 0) throw new Error('the bulk load lost its claim on the database to another loader');
}

/** Marks the dataset complete and releases the claim, in one transaction. */
export async function completeLoad(cypher: CypherExecutor, owner: string, manifest: string): Promise<void> {
  await cypher.write(
    `MATCH (m:Meta {key: "loading", owner: $owner}) DELETE m
     CREATE (:Meta {key: "dataset", manifest: $manifest, loadedAt: timestamp()})`,
    { owner, manifest },
  );
}

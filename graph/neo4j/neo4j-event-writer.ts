import type { ManagedTransaction } from 'neo4j-driver';
import { eventKey, type EventIdentity, type ImpressionEvent, type PlaybackEvent, type RecordOutcome } from '../../src/domain/types';
import { applyToWatchState } from '../../src/domain/watch-state';
import type { CypherExecutor } from './cypher-executor';
import { firstOfEachEvent } from './first-of-each-event';
import { countImpressions, creditPlays } from './neo4j-artwork-stats';
import { impressionProps, playbackProps, toWatchState, watchProps } from './neo4j-records';

type Props = Record<string, unknown>;

/** Each retry after a lost race sees more of the batch as duplicates; three always suffice in practice. */
const CONSTRAINT_RETRIES = 3;
export const isConstraintViolation = (err: unknown) =>
  (err as { code?: string })?.code === 'Neo.ClientError.Schema.ConstraintValidationFailed';

/**
 * Idempotent event writes: events are nodes unique by (profileId, eventId), created only when new, and new
 * playbacks are folded into WATCHED in the same transaction with the embedded store's function.
 * The artwork bandit's counters are updated in the same transactions (neo4j-artwork-stats).
 */
export class Neo4jEventWriter {
  constructor(private readonly cypher: CypherExecutor) {}

  async recordPlayback(events: readonly PlaybackEvent[]): Promise<RecordOutcome<PlaybackEvent>> {
    const fresh = await this.insertEvents(firstOfEachEvent(events), async (tx, batch) => {
      // Lock the profiles first (in id order, so two writers cannot deadlock): their WATCHED
      // states are read, folded and written below, and a concurrent writer must wait for that.
      const profileIds = [...new Set(batch.map((e) => e.profileId))].sort();
      await tx.run('UNWIND $ids AS id MATCH (p:Profile {id: id}) SET p._lock = true REMOVE p._lock', { ids: profileIds });
      const created = await this.createNew(tx, 'Playback', batch, playbackProps);
      if (created.length > 0) await this.foldWatchState(tx, created);
      await creditPlays(tx, created);
      return created;
    });
    return { accepted: fresh.length, duplicates: events.length - fresh.length, acceptedEvents: fresh };
  }

  async recordImpressions(events: readonly ImpressionEvent[]): Promise<RecordOutcome<ImpressionEvent>> {
    const fresh = await this.insertEvents(firstOfEachEvent(events), async (tx, batch) => {
      const created = await this.createNew(tx, 'Impression', batch, impressionProps);
      await countImpressions(tx, created);
      return created;
    });
    return { accepted: fresh.length, duplicates: events.length - fresh.length, acceptedEvents: fresh };
  }

  /**
   * Runs an event insert; if a concurrent writer committed one of the same events first, the
   * uniqueness constraint aborts this transaction and a retry then sees those as duplicates.
   */
  private async insertEvents<E>(batch: E[], insert: (tx: ManagedTransaction, batch: E[]) => Promise<E[]>): Promise<E[]> {
    if (batch.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.cypher.writeTx((tx) => insert(tx, batch));
      } catch (err) {
        if (!isConstraintViolation(err) || attempt >= CONSTRAINT_RETRIES) throw err;
      }
    }
  }

  /** Creates the events whose (profile, id) is not stored yet; returns those. */
  private async createNew<E extends EventIdentity>(
    tx: ManagedTransaction,
    label: 'Playback' | 'Impression',
    batch: E[],
    props: (e: E) => Props,
  ): Promise<E[]> {
    const result = await tx.run<EventIdentity>(
      `UNWIND $rows AS row
       OPTIONAL MATCH (x:${label} {profileId: row.profileId, eventId: row.eventId})
       WITH row WHERE x IS NULL
       CREATE (e:${label}) SET e = row
       RETURN row.profileId AS profileId, row.eventId AS eventId`,
      { rows: batch.map(props) },
    );
    const created = new Set(result.records.map((r) => eventKey(r.toObject())));
    return batch.filter((e) => created.has(eventKey(e)));
  }

  /** Folds new events into WATCHED with the same function as the embedded store. */
  private async foldWatchState(tx: ManagedTransaction, events: PlaybackEvent[]): Promise<void> {
    const pairs = [
      ...new Map(events.map((e) => [`${e.profileId}\u0000${e.titleId}`, { profileId: e.profileId, titleId: e.titleId }])).values(),
    ];
    const current = await tx.run<{ profileId: string; titleId: string; w: Props }>(
      `UNWIND $pairs AS pair
       MATCH (:Profile {id: pair.profileId})-[w:WATCHED]->(:Title {id: pair.titleId})
       RETURN pair.profileId AS profileId, pair.titleId AS titleId, properties(w) AS w`,
      { pairs },
    );
    const states = new Map(
      current.records.map((r) => {
        const { profileId, titleId, w } = r.toObject();
        return [`${profileId}\u0000${titleId}`, toWatchState(profileId, titleId, w)];
      }),
    );
    for (const e of events) {
      const key = `${e.profileId}\u0000${e.titleId}`;
      states.set(key, applyToWatchState(states.get(key), e));
    }
    await tx.run(
      `UNWIND $rows AS row
       MATCH (p:Profile {id: row.profileId}), (t:Title {id: row.titleId})
       MERGE (p)-[w:WATCHED]->(t) SET w = row.props`,
      { rows: [...states.values()].map((w) => ({ profileId: w.profileId, titleId: w.titleId, props: watchProps(w) })) },
    );
  }
}

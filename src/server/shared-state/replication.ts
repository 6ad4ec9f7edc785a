import { randomUUID } from 'node:crypto';
import type { DomainChanges } from '../../domain/changes';
import type { ChangeFeed } from '../../shared/change-feed';
import { errorMessage } from '../../shared/error-message';
import type { Logger } from '../../shared/logger';
import type { RedisClient, RedisLink } from './redis-link';

/** The shared stream of changes every replica appends to and reads. */
const STREAM = 'hp:changes';
/** Names this Redis's life: a Redis that restarted empty has another, and every replica rebuilds. */
const GENERATION = 'hp:generation';
/**
 * Events already appended, by kind, profile and event id (an id is unique within its profile): a
 * retried append (a reply lost with the connection) never counts twice.
 */
const EVENT_KEY = (kind: string, id: string) => `hp:event:${kind}:${id}`;
/** Longer than any outage a replica catches up from: after it, a replica rebuilds from the store. */
const STREAM_MAX_ENTRIES = 100_000;
/** Retries come within an outage (the outbox), not days later: a day of keys is enough, and Redis holds one key per event of the day. */
const EVENT_KEY_TTL_SECONDS = 24 * 3600;
/** Changes kept while Redis is unreachable; past it the others cannot catch up and rebuild instead. */
const OUTBOX_LIMIT = 10_000;
/** A blocked read returns this often when nothing comes, so that a closing replica stops promptly. */
const READ_BLOCK_MS = 1_000;
const RETRY_MS = 250;
/** An entry that tells every other replica to rebuild: its sender lost changes it could not send. */
const RESYNC = 'resync';

/**
 * Appends the entry once per new event id: a batch whose events were all appended before adds
 * nothing. KEYS: the stream, then one key per event; ARGV: origin, kind, max length, ttl, then
 * each event's JSON in the order of its key.
 */
const APPEND_EVENTS = `
local fresh = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[4]) then table.insert(fresh, ARGV[i + 3]) end
end
if #fresh == 0 then return false end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'origin', ARGV[1], 'kind', ARGV[2], 'body', '[' .. table.concat(fresh, ',') .. ']')
`;

type Kind = keyof DomainChanges;
/** Every change travels: a kind added to DomainChanges does not compile until it is listed here. */
export const REPLICATED = Object.keys({
  playbacksRecorded: true,
  impressionsRecorded: true,
  historyErased: true,
  profileChanged: true,
  feedbackChanged: true,
  titleAdded: true,
  titleChanged: true,
  promotionsChanged: true,
  experimentsChanged: true,
  modelSwapped: true,
} satisfies Record<Kind, true>) as Kind[];

/**
 * The event kinds travel as arrays of self-contained items, so that the append can drop the
 * items whose event id was appended before; everything else travels whole.
 */
const EVENT_KINDS = {
  playbacksRecorded: {
    items: (c: DomainChanges['playbacksRecorded']) =>
      c.events.map((event) => ({
        id: `${event.profileId}:${event.eventId}`,
        item: { event, owner: c.owners.find((p) => p.id === event.profileId)! },
      })),
    join: (
      items: { event: DomainChanges['playbacksRecorded']['events'][number]; owner: DomainChanges['playbacksRecorded']['owners'][number] }[],
    ) => ({
      events: items.map((i) => i.event),
      owners: [...new Map(items.map((i) => [i.owner.id, i.owner])).values()],
    }),
  },
  impressionsRecorded: {
    items: (c: DomainChanges['impressionsRecorded']) =>
      c.events.map((event) => ({ id: `${event.profileId}:${event.eventId}`, item: event })),
    join: (events: DomainChanges['impressionsRecorded']['events']) => ({ events }),
  },
} as const;

type Outgoing = { kind: Kind; payload: DomainChanges[Kind] };

export interface ReplicationStatus {
  connected: boolean;
  /** Changes of this replica waiting for Redis. */
  queued: number;
  /** Changes of other replicas applied here since start. */
  applied: number;
  /** Rebuilds of the derived state from the store since start. */
  rebuilds: number;
}

export interface ReplicationOptions {
  link: RedisLink;
  changes: ChangeFeed<DomainChanges>;
  /** Tells this replica's entries from the others'. */
  replicaId?: string;
  /** Applies another replica's change to this replica's derived state; its caches then hear it on `changes`. */
  apply: <K extends Kind>(kind: K, payload: DomainChanges[K]) => Promise<void>;
  /** Rebuilds the derived state from the store: what this replica missed cannot be caught up from the stream. */
  rebuild: () => Promise<void>;
  logger?: Logger;
  /** Hears each change sent, received, queued or dropped, and each rebuild (metrics). */
  onEvent?: (what: 'sent' | 'received' | 'queued' | 'rebuilt', kind?: Kind) => void;
}

/**
 * Carries this replica's changes to every other replica, and theirs to it, through one Redis
 * stream: each replica keeps its derived state (trending and segment counters, title statistics,
 * exposure, folded-in vectors, the catalog) in memory, where a page reads a thousand values
 * of it, and applies every other replica's changes to it as they come; its caches then hear
 * them as if made here. While Redis is unreachable a replica serves its own view, queues what it
 * changes and, when Redis returns, sends the queue and reads on from where it stopped; when that
 * is not possible (Redis restarted empty, or the stream was trimmed past it) it rebuilds from the
 * store, which holds every acknowledged event.
 */
export class Replication {
  private readonly link: RedisLink;
  private readonly reader: RedisClient;
  private readonly id: string;
  private readonly o: ReplicationOptions;
  private readonly outbox: Outgoing[] = [];
  private readonly fromElsewhere = new WeakSet<object>();
  private readonly unsubscribe: (() => void)[] = [];
  private generation: string | null = null;
  /** The last stream entry applied (or, after a rebuild, the last one the rebuild covers). */
  private cursor: string | null = null;
  /** Changes were lost (the outbox overflowed): the others must rebuild when Redis returns. */
  private overflowed = false;
  private closed = false;
  private loop: Promise<void> = Promise.resolve();
  private syncing: Promise<void> = Promise.resolve();
  private readonly counts = { applied: 0, rebuilds: 0 };

  constructor(o: ReplicationOptions) {
    this.o = o;
    this.link = o.link;
    this.id = o.replicaId ?? randomUUID();
    this.reader = o.link.duplicate();
    for (const kind of REPLICATED)
      this.unsubscribe.push(
        o.changes.on(kind, (payload) => {
          // A change that came from another replica is not sent back.
          if (!this.fromElsewhere.has(payload)) return this.send({ kind, payload });
        }),
      );
    o.link.onReady(() => (this.syncing = this.syncing.then(() => this.sync()).catch((err) => this.warn(err, 'catching up failed'))));
  }

  /** Connects and starts reading; resolves once connected or after the start-up wait (Redis may come later). */
  async start(): Promise<void> {
    // Not awaited: while Redis is unreachable a connect stays pending (the client retries forever), and the read loop waits for it.
    void this.reader.connect().catch(() => undefined);
    await this.link.connect();
    await this.syncing;
    this.loop = this.readLoop();
  }

  status(): ReplicationStatus {
    return { connected: this.link.isUp, queued: this.outbox.length, applied: this.counts.applied, rebuilds: this.counts.rebuilds };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.unsubscribe) off();
    await this.loop;
    await this.reader.close().catch(() => this.reader.destroy());
    await this.link.close();
  }

  private async send(change: Outgoing): Promise<void> {
    if (!this.link.isUp || this.generation === null) return this.enqueue(change);
    try {
      await this.append(change);
      this.o.onEvent?.('sent', change.kind);
    } catch (err) {
      this.warn(err, 'a change was not sent; queued until Redis answers');
      this.enqueue(change);
    }
  }

  private enqueue(change: Outgoing): void {
    if (this.outbox.length >= OUTBOX_LIMIT) {
      this.outbox.length = 0;
      this.overflowed = true;
    }
    this.outbox.push(change);
    this.o.onEvent?.('queued', change.kind);
  }

  private async append({ kind, payload }: Outgoing): Promise<void> {
    const events = EVENT_KINDS[kind as keyof typeof EVENT_KINDS];
    if (!events) {
      await this.link.client.xAdd(
        STREAM,
        '*',
        { origin: this.id, kind, body: JSON.stringify(payload) },
        { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: STREAM_MAX_ENTRIES } },
      );
      return;
    }
    const items = events.items(payload as never) as { id: string; item: unknown }[];
    await this.link.client.eval(APPEND_EVENTS, {
      keys: [STREAM, ...items.map((i) => EVENT_KEY(kind, i.id))],
      arguments: [this.id, kind, String(STREAM_MAX_ENTRIES), String(EVENT_KEY_TTL_SECONDS), ...items.map((i) => JSON.stringify(i.item))],
    });
  }

  /**
   * On every (re)connection. A Redis that restarted empty (another generation) lost what every
   * replica sent: each rebuilds from the store. The same Redis with the stream trimmed past this
   * replica's cursor: this one rebuilds. A queue that overflowed: the others missed this one's
   * changes, and a resync entry makes them rebuild. Then the queue is sent, and reading goes on.
   */
  private async sync(): Promise<void> {
    const client = this.link.client;
    const generation = (await client.set(GENERATION, randomUUID(), { condition: 'NX', GET: true })) ?? (await client.get(GENERATION));
    const first = this.generation === null;
    const sameRedis = generation === this.generation;
    this.generation = generation;
    const end = await this.lastEntryId();
    if (first) {
      // The derived state was just built from the store: read what comes next.
      this.cursor = end;
    } else if (!sameRedis || !(await this.reaches(this.cursor!))) {
      this.cursor = end;
      await this.rebuild(sameRedis ? 'the shared stream no longer reaches back to what this replica read' : 'Redis restarted empty');
      // Every replica rebuilds from the store, which holds what was queued.
      if (!sameRedis) this.outbox.length = 0;
    }
    if (this.overflowed) {
      this.outbox.length = 0;
      this.overflowed = false;
      await client.xAdd(STREAM, '*', { origin: this.id, kind: RESYNC, body: '{}' });
    }
    while (this.outbox.length) {
      const change = this.outbox[0];
      await this.append(change);
      this.outbox.shift();
      this.o.onEvent?.('sent', change.kind);
    }
  }

  private async rebuild(why: string): Promise<void> {
    this.o.logger?.warn({ why }, 'shared state: changes were missed; rebuilding the derived state from the store');
    await this.o.rebuild();
    this.counts.rebuilds++;
    this.o.onEvent?.('rebuilt');
  }

  private async lastEntryId(): Promise<string> {
    const last = await this.link.client.xRevRange(STREAM, '+', '-', { COUNT: 1 });
    return last?.[0]?.id ?? '0-0';
  }

  /** Whether the stream still holds every entry after `cursor` (trimming has not passed it). */
  private async reaches(cursor: string): Promise<boolean> {
    if (cursor === '0-0') return true;
    const [oldest] = (await this.link.client.xRange(STREAM, '-', '+', { COUNT: 1 })) ?? [];
    return !oldest || compareIds(oldest.id, cursor) <= 0;
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      if (!this.link.isUp || !this.reader.isReady || this.cursor === null) {
        await sleep(RETRY_MS);
        continue;
      }
      try {
        await this.syncing;
        const reply = await this.reader.xRead({ key: STREAM, id: this.cursor }, { BLOCK: READ_BLOCK_MS, COUNT: 500 });
        for (const stream of (reply as StreamReply | null) ?? []) {
          for (const { id, message } of stream.messages) {
            if (message.origin === this.id) {
              // Its own entries were applied when made.
            } else if (message.kind === RESYNC) await this.rebuild('another replica lost changes it could not send');
            else await this.applyEntry(message.kind as Kind, message.body);
            this.cursor = id;
          }
        }
      } catch (err) {
        if (!this.closed && this.link.isUp) this.warn(err, 'reading the shared stream failed; retrying');
        await sleep(RETRY_MS);
      }
    }
  }

  private async applyEntry(kind: Kind, body: string): Promise<void> {
    const parsed: unknown = JSON.parse(body);
    const events = EVENT_KINDS[kind as keyof typeof EVENT_KINDS];
    const payload = (events ? events.join(parsed as never) : parsed) as DomainChanges[Kind] & object;
    try {
      await this.o.apply(kind, payload);
      this.fromElsewhere.add(payload);
      await this.o.changes.publish(kind, payload);
      this.counts.applied++;
      this.o.onEvent?.('received', kind);
    } catch (err) {
      this.warn(err, `another replica's ${kind} was not applied here`);
    }
  }

  private warn(err: unknown, message: string): void {
    this.o.logger?.warn({ err: errorMessage(err) }, `shared state: ${message}`);
  }
}

type StreamReply = { name: string; messages: { id: string; message: Record<string, string> }[] }[];

/** Orders two stream ids (`<ms>-<seq>`). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

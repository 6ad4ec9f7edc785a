import type { Port } from '../../src/shared/port';
import { StoreUnavailableError } from '../errors';
import type { StoreReadiness } from '../store';
import type { EmbeddedStore } from './embedded-store';
import type { JournalRecord } from './journal-records';
import {
  runWrite,
  sentError,
  settled,
  type StoreOwner,
  type StoreWrite,
  type WriteArgs,
  type WriteReply,
  type WriteResult,
} from './store-owner';

type Request =
  | { kind: 'store.follow'; id: number }
  | { kind: 'store.write'; id: number; method: StoreWrite; args: unknown[] }
  | { kind: 'store.readiness'; id: number };
type Asked = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;
type Reply = { kind: 'store.reply'; id: number; reply: WriteReply };
type Records = { kind: 'store.records'; records: JournalRecord[] };

const isRequest = (m: unknown): m is Request =>
  typeof m === 'object' && m !== null && ['store.follow', 'store.write', 'store.readiness'].includes((m as Request).kind);

/**
 * Serves `store` to the follower at the other end of `port`: its writes run here, and every
 * record committed after it asked to follow goes to it, before the reply to the write that
 * committed it (both travel on the one ordered channel). Returns how to stop (the follower is gone).
 */
export function serveFollower(store: EmbeddedStore, port: Port): () => void {
  let stopFollowing = () => {};
  let stopped = false;
  const reply = (id: number, r: WriteReply) => !stopped && port.post({ kind: 'store.reply', id, reply: r } satisfies Reply);
  const answer = async (request: Request): Promise<WriteReply> => {
    if (request.kind === 'store.write') return runWrite(store, request.method, request.args);
    try {
      if (request.kind === 'store.readiness') return { ok: true, result: await store.readiness() };
      stopFollowing();
      const { records, stop } = await store.follow((committed) => {
        if (!stopped) port.post({ kind: 'store.records', records: committed } satisfies Records);
      });
      stopFollowing = stop;
      return { ok: true, result: records };
    } catch (err) {
      return { ok: false, error: sentError(err) };
    }
  };
  const stopListening = port.listen((message) => {
    if (isRequest(message)) void answer(message).then((r) => reply(message.id, r));
  });
  return () => {
    stopped = true;
    stopListening();
    stopFollowing();
  };
}

/** The owner at the other end of `port`, as a FollowerStore uses it. */
export function ownerOver(port: Port): StoreOwner {
  let nextId = 0;
  const waiting = new Map<number, (reply: WriteReply) => void>();
  let onRecords: (records: JournalRecord[]) => void = () => {};
  const stopListening = port.listen((message) => {
    const m = message as Reply | Records;
    if (m?.kind === 'store.records') onRecords(m.records);
    else if (m?.kind === 'store.reply') {
      waiting.get(m.id)?.(m.reply);
      waiting.delete(m.id);
    }
  });
  const ask = (request: Asked) =>
    new Promise<WriteReply>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      port.post({ ...request, id });
    });
  return {
    follow: async (listener) => {
      onRecords = listener;
      return settled(await ask({ kind: 'store.follow' })) as JournalRecord[];
    },
    write: async <M extends StoreWrite>(method: M, args: WriteArgs<M>) =>
      settled(await ask({ kind: 'store.write', method, args: [...args] })) as WriteResult<M>,
    readiness: async () => settled(await ask({ kind: 'store.readiness' })) as StoreReadiness,
    close: async () => {
      stopListening();
      // Nothing answers them any more: they fail as a store that cannot be reached does.
      const gone = sentError(new StoreUnavailableError('the process that owns the store stopped answering'));
      for (const resolve of waiting.values()) resolve({ ok: false, error: gone });
      waiting.clear();
    },
  };
}

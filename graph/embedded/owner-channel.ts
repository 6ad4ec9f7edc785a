import type { Port } from '../../src/shared/port';
import { StorageUnavailableError } from '../errors';
import type { StoreReadiness } from '../store';
import type { EmbeddedStore } from './embedded-store';
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

type Asked = { kind: 'store.follow' } | { kind: 'store.readiness' } | { kind: 'store.write'; method: StoreWrite; args: unknown[] };
type Request = Asked & { id: number };
type Reply = { kind: 'store.reply'; id: number; reply: WriteReply };
/** A batch the owner's journal made durable, as its lines. */
type Lines = { kind: 'store.lines'; lines: string };

const REQUESTS: readonly string[] = ['store.follow', 'store.write', 'store.readiness'] satisfies Request['kind'][];
const isRequest = (m: unknown): m is Request => typeof m === 'object' && m !== null && REQUESTS.includes((m as Request).kind);

/**
 * Serves `store` to the follower at the other end of `port`: its writes run here, and every
 * batch committed after it asked to follow goes to it, before the reply to any write in that
 * batch (both travel on the one ordered channel). `onBroken` hears a batch or a reply that could
 * not be sent: the follower has missed it and must start over (its process restarted). Returns
 * how to stop (the follower is gone).
 */
export function serveFollower(store: EmbeddedStore, port: Port, onBroken: (err: unknown) => void): () => void {
  let stopFollowing = () => {};
  let stopped = false;
  const tell = (lines: string) => {
    if (stopped) return;
    try {
      port.post({ kind: 'store.lines', lines } satisfies Lines);
    } catch (err) {
      stopped = true;
      onBroken(err);
    }
  };
  const answer = async (request: Request): Promise<WriteReply> => {
    if (request.kind === 'store.write') return runWrite(store, request.method, request.args);
    try {
      if (request.kind === 'store.readiness') return { ok: true, result: await store.readiness() };
      stopFollowing();
      const { lines, loaded, stop } = await store.follow(tell);
      stopFollowing = stop;
      // The follower went away while its journal was read.
      if (stopped) stop();
      return { ok: true, result: { lines, loaded } };
    } catch (err) {
      return { ok: false, error: sentError(err) };
    }
  };
  const reply = (id: number, r: WriteReply) => {
    if (!stopped) port.post({ kind: 'store.reply', id, reply: r } satisfies Reply);
  };
  const stopListening = port.listen((message) => {
    if (!isRequest(message)) return;
    answer(message)
      .then((r) => reply(message.id, r))
      // A result the channel cannot carry: the follower hears why instead of waiting forever.
      .catch((err: unknown) => reply(message.id, { ok: false, error: { name: 'Error', message: String(err), fields: {} } }))
      .catch((err: unknown) => onBroken(err));
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
  let onLines: (lines: string) => void = () => {};
  const stopListening = port.listen((message) => {
    const m = message as Reply | Lines;
    if (m?.kind === 'store.lines') onLines(m.lines);
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
      onLines = listener;
      return settled(await ask({ kind: 'store.follow' })) as { lines: string; loaded: boolean };
    },
    write: async <M extends StoreWrite>(method: M, args: WriteArgs<M>) =>
      settled(await ask({ kind: 'store.write', method, args: [...args] })) as WriteResult<M>,
    readiness: async () => settled(await ask({ kind: 'store.readiness' })) as StoreReadiness,
    close: async () => {
      stopListening();
      // Nothing answers them any more: they fail as a write the storage refused does (STORE_UNAVAILABLE),
      // although the owner may have made them before it went (as a client whose connection broke cannot tell either).
      const gone = sentError(new StorageUnavailableError('the process that owns the store stopped answering'));
      for (const resolve of waiting.values()) resolve({ ok: false, error: gone });
      waiting.clear();
    },
  };
}

import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '../../src/domain/errors';
import {
  DuplicateProfileError,
  DuplicateTitleError,
  LoadInProgressError,
  ProfileLimitError,
  StorageUnavailableError,
  StoreUnavailableError,
  UnknownProfileError,
} from '../errors';
import type { Store, StoreReadiness } from '../store';
import type { JournalFollower } from './journal';

/**
 * The Store methods that write. A FollowerStore has the process that owns the store run them,
 * so that their checks (an id taken, an account's profile limit, an event seen before) read the
 * one authoritative state, and their records reach every copy in the journal's order.
 */
export const STORE_WRITES = [
  'bulkLoad',
  'addTitle',
  'setTitleAvailability',
  'createProfile',
  'updateProfile',
  'eraseViewingHistory',
  'recordPlayback',
  'recordImpressions',
  'changeTitleFeedback',
  'createPromotion',
  'endPromotion',
  'createExperiment',
  'changeExperimentStatus',
  'recordExposures',
  'addVariantTimings',
] as const satisfies readonly (keyof Store)[];

export type StoreWrite = (typeof STORE_WRITES)[number];
export type WriteArgs<M extends StoreWrite> = Parameters<Store[M]>;
export type WriteResult<M extends StoreWrite> = Awaited<ReturnType<Store[M]>>;

/** The process that owns an embedded store (a cluster's primary), as a FollowerStore in another process reaches it. */
export interface StoreOwner {
  /**
   * The journal's acknowledged lines now, and whether the owner's snapshot holds a load; from
   * then on every batch the owner commits, to `onLines` in the journal's order (EmbeddedStore.follow).
   */
  follow(onLines: JournalFollower): Promise<{ lines: string; loaded: boolean }>;
  /**
   * Runs one write in the owner. Resolves only after `onLines` has heard the records the write
   * committed (a follower then reads its own write); rejects with the store's own error class.
   */
  write<M extends StoreWrite>(method: M, args: WriteArgs<M>): Promise<WriteResult<M>>;
  /** The owner's store readiness (its journal's disk). */
  readiness(): Promise<StoreReadiness>;
  /** Stops following. */
  close(): Promise<void>;
}

/** A write's outcome as it travels between processes: errors as data, since a message carries no classes. */
export type WriteReply = { ok: true; result: unknown } | { ok: false; error: SentError };

export interface SentError {
  name: string;
  message: string;
  /** The error's own fields (an id, a limit, a reason): what the API's edge reads to choose a code. */
  fields: Record<string, unknown>;
}

/** The errors a store's writes throw, revived as themselves on the other side so that the API maps them to the same codes. */
const KNOWN_ERRORS = new Map<string, { prototype: Error }>(
  [
    DuplicateProfileError,
    DuplicateTitleError,
    LoadInProgressError,
    ProfileLimitError,
    StorageUnavailableError,
    StoreUnavailableError,
    UnknownProfileError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
  ].map((cls) => [cls.name, cls]),
);

/** Runs `method` on the owner's store if it is a write; any failure comes back as data. */
export async function runWrite(store: Store, method: unknown, args: unknown): Promise<WriteReply> {
  try {
    if (!STORE_WRITES.includes(method as StoreWrite) || !Array.isArray(args)) throw new Error(`not a store write: ${String(method)}`);
    const write = store[method as StoreWrite] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, result: await write.apply(store, args) };
  } catch (err) {
    return { ok: false, error: sentError(err) };
  }
}

/** An error as data, for a reply. */
export function sentError(err: unknown): SentError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const { stack: _stack, cause: _cause, ...own } = err as Error & Record<string, unknown>;
  // Only plain data travels (a cause may hold sockets or handles).
  return { name: err.name, message: err.message, fields: JSON.parse(JSON.stringify(own)) as Record<string, unknown> };
}

/** The error the owner threw, of its own class when the store declares it (a plain Error otherwise). */
export function revivedError(sent: SentError): Error {
  const cls = KNOWN_ERRORS.get(sent.name);
  const err = cls ? (Object.create(cls.prototype) as Error) : new Error(sent.message);
  Object.assign(err, sent.fields, { name: sent.name, message: sent.message });
  err.stack = `${sent.name}: ${sent.message}\n    at the process that owns the store`;
  return err;
}

/** A reply as the follower's caller sees it: the result, or the owner's error thrown here. */
export function settled(reply: WriteReply): unknown {
  if (!reply.ok) throw revivedError(reply.error);
  return reply.result;
}

import { UnavailableError } from '../src/domain/errors';

/** Failures a store reports; the API maps them to error codes at its edge (src/server/errors.ts). */

/** The store cannot be reached (Neo4j down or restarting); the request may succeed later. */
export class StoreUnavailableError extends UnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The local storage refused a write (a full or failing disk): nothing of the write was kept, and
 * the same request may succeed once the disk takes writes again. The API answers STORE_UNAVAILABLE.
 */
export class StorageUnavailableError extends UnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, dependency: 'storage' });
    this.name = 'StorageUnavailableError';
  }
}

/** A title with this id exists already; nothing was written. */
export class DuplicateTitleError extends Error {
  constructor(readonly titleId: string) {
    super(`a title with id "${titleId}" already exists`);
    this.name = 'DuplicateTitleError';
  }
}

/** A profile id that is taken already. */
export class DuplicateProfileError extends Error {
  constructor(readonly profileId: string) {
    super(`a profile with id "${profileId}" already exists`);
    this.name = 'DuplicateProfileError';
  }
}

/** The account holds as many profiles as it may. */
export class ProfileLimitError extends Error {
  constructor(
    readonly accountId: string,
    readonly limit: number,
  ) {
    super(`account "${accountId}" already has ${limit} profiles, the most it may have`);
    this.name = 'ProfileLimitError';
  }
}

/** A write names a profile (or its account) the store does not have. */
export class UnknownProfileError extends Error {
  constructor(readonly id: string) {
    super(`no profile or account "${id}"`);
    this.name = 'UnknownProfileError';
  }
}

/** Another process is bulk-loading this store right now; wait for it instead of loading twice. */
export class LoadInProgressError extends Error {
  constructor() {
    super('another process is loading a dataset into this store');
    this.name = 'LoadInProgressError';
  }
}

import type { ZodError } from 'zod';

/**
 * Failures the domain reports in its own terms. They know nothing of GraphQL: the API's edge
 * (src/server/errors.ts) maps each kind to its `extensions.code`, and anything that is not a
 * DomainError reaches a client only as INTERNAL_SERVER_ERROR.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'INVALID_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'UNAVAILABLE' | 'TIMEOUT' | 'CONFLICT';
}

/** An argument or input field is malformed; `field` is its path, e.g. `events[3].progress`. */
export class InvalidInputError extends DomainError {
  readonly kind = 'INVALID_INPUT';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Invalid ${field}: ${problem}`);
    this.name = 'InvalidInputError';
  }
}

/** The thing asked for (a profile, a title) does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${JSON.stringify(id)} not found`);
    this.name = 'NotFoundError';
  }
}

/** No valid credentials: none were sent where they are needed, or the token is malformed, badly signed or expired. */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'UNAUTHENTICATED';
  constructor(message: string) {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

/** Valid credentials that do not grant this: another account's profile, a partner key asking for profile data. */
export class ForbiddenError extends DomainError {
  readonly kind = 'FORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/**
 * A dependency cannot answer right now; the request may succeed later. `dependency` says which:
 * the graph database (down, hung or restarting) or the local storage that makes writes durable
 * (a full or failing disk).
 */
export class UnavailableError extends DomainError {
  readonly kind = 'UNAVAILABLE';
  readonly dependency: 'graph' | 'storage';
  constructor(message: string, options?: { cause?: unknown; dependency?: 'graph' | 'storage' }) {
    super(message, options);
    this.name = 'UnavailableError';
    this.dependency = options?.dependency ?? 'graph';
  }
}

/** The request ran past its deadline, or its client went away; its work was stopped. */
export class DeadlineExceededError extends DomainError {
  readonly kind = 'TIMEOUT';
  constructor(
    readonly reason: 'deadline' | 'client-gone',
    readonly deadlineMs?: number,
  ) {
    super(reason === 'deadline' ? `The request ran past its deadline of ${deadlineMs} ms and was stopped` : 'The client went away');
    this.name = 'DeadlineExceededError';
  }
}

/**
 * The request is well formed but contradicts what is stored: an id that is taken, an experiment
 * whose slice of a layer overlaps another's, one started twice. `reason` tells them apart.
 */
export class ConflictError extends DomainError {
  readonly kind = 'CONFLICT';
  constructor(
    readonly reason: 'ALREADY_EXISTS' | 'LAYER_OVERLAP' | 'ALREADY_STARTED' | 'ALREADY_STOPPED',
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A zod failure as InvalidInputError naming the first offending field under `root`, e.g. `events[3].progress`. */
export function invalidInput(error: ZodError, root: string): InvalidInputError {
  const issue = error.issues[0];
  const field = issue.path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), root);
  return new InvalidInputError(field, issue.message);
}

import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Artwork, Title } from '../domain/types';
import { resolveTitles } from '../pipeline/catalog-index';
import type { Access } from '../auth/access';
import type { Authenticator } from '../auth/authenticator';
import type { RequestHeaders } from '../auth/credentials';
import type { Services } from './services';

/** What the request log line says of a GraphQL request, filled in as it runs (src/server/operation-metrics.ts). */
export interface RequestOutcome {
  /** The first root field (`homepage`, `recordImpressions`, …), once the operation is known. */
  operation?: string;
  /** OK, or the first error's `extensions.code`. */
  code?: string;
}

/** What every resolver receives: who is calling, and this request's loaders. */
export interface RequestContext {
  /** The HTTP request's id (`X-Request-Id`, accepted from the client or drawn), which names its log line. */
  requestId: string;
  /** The id of the next homepage this request builds: the request id, then `<id>.2`, `<id>.3` for more in one request. */
  pageViewId(): string;
  outcome: RequestOutcome;
  /** Scheme and host the client used, for absolute artwork URLs. */
  baseUrl: string;
  /** The caller and the checks resolvers make before reading or writing (src/auth/access.ts). */
  auth: Access;
  /** The client's network address: what anonymous callers are told apart by (rate limits). */
  address: string;
  loaders: {
    title: DataLoader<string, Title | null>;
  };
  /**
   * Titles in one batch, for a caller that already batches (a page's items): the in-memory
   * catalog, then the store for any it lacks, without a promise and a cache entry per title.
   */
  titles(ids: readonly string[]): Promise<(Title | null)[]>;
  /** An artwork variant by id, from the in-memory catalog. */
  artwork(id: string): Artwork | null;
  /** Runs `task` once the HTTP response has been written; never for an in-process caller. */
  afterResponse(task: () => void): void;
}

/** What createContext needs of one HTTP request. */
export interface RequestInfo {
  baseUrl: string;
  headers: RequestHeaders;
  address?: string;
  /** The caller, when the HTTP layer identified it already (to rate-limit it before reading the body). */
  access?: Access;
  /** The HTTP request's id; drawn when there is none (in-process callers). */
  requestId?: string;
  /** Where the HTTP layer reads the operation and its outcome for the request log. */
  outcome?: RequestOutcome;
  /** Runs a task once the response has been written (the HTTP layer); absent, tasks are dropped. */
  afterResponse?: (task: () => void) => void;
}

/**
 * One set of loaders per request: titles come from the in-memory catalog, falling back to the
 * store in one batched call for any the catalog does not hold.
 */
export async function createContext(services: Services, authenticator: Authenticator, request: RequestInfo): Promise<RequestContext> {
  const title = new DataLoader<string, Title | null>((ids) => resolveTitles(services.catalog, services.store, ids));
  const auth = request.access ?? (await authenticator.access(request.headers, services.store));
  const requestId = request.requestId ?? randomUUID();
  let pages = 0;
  return {
    requestId,
    pageViewId: () => (++pages === 1 ? requestId : `${requestId}.${pages}`),
    outcome: request.outcome ?? {},
    baseUrl: request.baseUrl,
    auth,
    address: request.address ?? 'in-process',
    loaders: { title },
    titles: (ids) => resolveTitles(services.catalog, services.store, ids),
    artwork: (id) => services.catalog.artwork(id) ?? null,
    afterResponse: request.afterResponse ?? (() => undefined),
  };
}

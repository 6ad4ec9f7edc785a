import DataLoader from 'dataloader';
import type { Artwork, Title } from '../domain/types';
import { resolveTitles } from '../pipeline/catalog-index';
import type { Access } from '../auth/access';
import type { Authenticator } from '../auth/authenticator';
import type { RequestHeaders } from '../auth/credentials';
import type { Services } from './services';

/** What every resolver receives: who is calling, and this request's loaders. */
export interface RequestContext {
  /** Scheme and host the client used, for absolute artwork URLs. */
  baseUrl: string;
  /** The caller and the checks resolvers make before reading or writing (src/auth/access.ts). */
  auth: Access;
  /** The client's network address: what anonymous callers are told apart by (rate limits). */
  address: string;
  loaders: {
    title: DataLoader<string, Title | null>;
    artwork: DataLoader<string, Artwork | null>;
  };
}

/** What createContext needs of one HTTP request. */
export interface RequestInfo {
  baseUrl: string;
  headers: RequestHeaders;
  address?: string;
  /** The caller, when the HTTP layer identified it already (to rate-limit it before reading the body). */
  access?: Access;
}

/**
 * One set of loaders per request: titles come from the in-memory catalog, falling back to the
 * store in one batched call for any the catalog does not hold.
 */
export async function createContext(services: Services, authenticator: Authenticator, request: RequestInfo): Promise<RequestContext> {
  const title = new DataLoader<string, Title | null>((ids) => resolveTitles(services.catalog, services.store, ids));
  const artwork = new DataLoader<string, Artwork | null>(async (ids) => ids.map((id) => services.catalog.artwork(id) ?? null));
  const auth = request.access ?? (await authenticator.access(request.headers, services.store));
  return { baseUrl: request.baseUrl, auth, address: request.address ?? 'in-process', loaders: { title, artwork } };
}

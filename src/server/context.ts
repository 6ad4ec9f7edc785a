import DataLoader from 'dataloader';
import type { Artwork, Title } from '../domain/types';
import type { Access } from '../auth/access';
import type { Authenticator } from '../auth/authenticator';
import type { RequestHeaders } from '../auth/credentials';
import type { Services } from './services';

/** What every resolver receives: the services, who is calling, and this request's loaders. */
export interface RequestContext {
  services: Services;
  /** Scheme and host the client used, for absolute artwork URLs. */
  baseUrl: string;
  /** The caller and the checks resolvers make before reading or writing (src/auth/access.ts). */
  auth: Access;
  loaders: {
    title: DataLoader<string, Title | null>;
    artwork: DataLoader<string, Artwork | null>;
  };
}

/** What createContext needs of one HTTP request. */
export interface RequestInfo {
  baseUrl: string;
  headers: RequestHeaders;
}

/**
 * One set of loaders per request: titles come from the in-memory catalog, falling back to the
 * store in one batched call for any the catalog does not hold.
 */
export async function createContext(services: Services, authenticator: Authenticator, request: RequestInfo): Promise<RequestContext> {
  const title = new DataLoader<string, Title | null>(async (ids) => {
    const found = ids.map((id) => services.catalog.get(id) ?? null);
    const missing = ids.filter((_, i) => found[i] === null);
    if (missing.length === 0) return found;
    const stored = new Map((await services.store.getTitles(missing)).filter((t): t is Title => t !== null).map((t) => [t.id, t]));
    return ids.map((id, i) => found[i] ?? stored.get(id) ?? null);
  });
  const artwork = new DataLoader<string, Artwork | null>(async (ids) => ids.map((id) => services.catalog.artwork(id) ?? null));
  const auth = await authenticator.access(request.headers, services.store);
  return { services, baseUrl: request.baseUrl, auth, loaders: { title, artwork } };
}

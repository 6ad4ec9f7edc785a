import DataLoader from 'dataloader';
import type { Artwork, Title } from '../../graph/types';
import type { Services } from './services';

/** What every resolver receives: the services and this request's loaders. */
export interface RequestContext {
  services: Services;
  /** Scheme and host the client used, for absolute artwork URLs. */
  baseUrl: string;
  loaders: {
    title: DataLoader<string, Title | null>;
    artwork: DataLoader<string, Artwork | null>;
  };
}

/**
 * One set of loaders per request: titles come from the in-memory catalog, falling back to the
 * store in one batched call for any the catalog does not hold.
 */
export function createContext(services: Services, baseUrl: string): RequestContext {
  const title = new DataLoader<string, Title | null>(async (ids) => {
    const found = ids.map((id) => services.catalog.get(id) ?? null);
    const missing = ids.filter((_, i) => found[i] === null);
    if (missing.length === 0) return found;
    const stored = new Map((await services.store.getTitles(missing)).filter((t): t is Title => t !== null).map((t) => [t.id, t]));
    return ids.map((id, i) => found[i] ?? stored.get(id) ?? null);
  });
  const artwork = new DataLoader<string, Artwork | null>(async (ids) => ids.map((id) => services.catalog.artwork(id) ?? null));
  return { services, baseUrl, loaders: { title, artwork } };
}

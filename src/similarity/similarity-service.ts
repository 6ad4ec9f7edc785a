import type { Store } from '../../graph/store';
import { allowedFor, type MaturityTier, type Profile, type SimilarEdge, type Title } from '../domain/types';
import { isRejected } from '../domain/title-feedback';
import { passesFilter, type TitleFilter } from '../domain/title-filter';
import { availableIn } from '../domain/availability';
import { parseTitleFilter, type TitleFilterData } from '../pipeline/title-filter-input';
import { resolveTitles, type CatalogIndex } from '../pipeline/catalog-index';
import { InvalidInputError, NotFoundError } from '../domain/errors';
import { DEFAULT_SIMILARITY } from './similarity-graph';
import { similarityReason } from './similarity-reason';

export interface SimilarTitleResult {
  title: Title;
  score: number;
  reason: string;
}

export interface SimilarOptions {
  limit: number;
  /** The viewer asking: its limit and rejections hold. */
  profile?: Profile;
  /** Where the answer is shown: only titles licensed there. */
  country?: string;
  filter?: TitleFilter;
}

/** Neighbour lists kept in memory: the content source asks for the same popular anchors all day. */
const CACHED_TITLES = 20_000;

/** "Titles like this one": the store's SIMILAR_TO edges, with titles and readable reasons. */
export class SimilarityService {
  private readonly cache = new Map<string, SimilarEdge[]>();

  private readonly store: Store;
  private readonly catalog: CatalogIndex;

  private readonly clock: () => number;

  constructor(o: { store: Store; catalog: CatalogIndex; clock?: () => number }) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.clock = o.clock ?? Date.now;
  }

  /**
   * The partner-facing answer. For a `profile`, only titles within its maturity limit, licensed in
   * its account's country now, and none it rated down or marked not interested; for a partner
   * naming a `country`, only titles licensed there now; with a `filter`, only titles that pass it.
   */
  async similar(titleId: string, o: SimilarOptions): Promise<SimilarTitleResult[]> {
    const [title] = await this.titles([titleId]);
    if (!title) throw new NotFoundError('Title', titleId);
    const [rejected, country] = await Promise.all([this.rejectedBy(o.profile), this.countryOf(o)]);
    const now = this.clock();
    const shown = (t: Title) => !rejected.has(t.id) && (country === undefined || availableIn(t, country, now)) && passesFilter(o.filter, t);
    // Left-out titles are made up for from deeper in the list, as far as the graph keeps it.
    const narrowed = rejected.size > 0 || country !== undefined || o.filter !== undefined;
    const edges = await this.store.similarTitles(title.id, narrowed ? DEFAULT_SIMILARITY.topK : o.limit, o.profile?.maturityLimit);
    const targets = await this.titles(edges.map((e) => e.to));
    return edges
      .flatMap((e, i) => {
        const to = targets[i];
        return to && shown(to) ? [{ title: to, score: e.score, reason: similarityReason(title, to, e.basis) }] : [];
      })
      .slice(0, o.limit);
  }

  private async rejectedBy(profile: Profile | undefined): Promise<Set<string>> {
    if (!profile) return new Set();
    return new Set((await this.store.titleFeedback(profile.id)).filter(isRejected).map((f) => f.titleId));
  }

  /** A profile's licences are its account's country's; a partner names the country it shows the answer in. */
  private async countryOf(o: SimilarOptions): Promise<string | undefined> {
    if (!o.profile) return o.country;
    const country = (await this.store.getAccount(o.profile.accountId))?.country;
    if (o.country && o.country !== country)
      throw new InvalidInputError('country', "must be left out with profileId: the profile's account's country applies");
    return country;
  }

  /** A client's filter checked against the catalog's genres (InvalidInputError under `root`). */
  titleFilter(input: TitleFilterData | null | undefined, root: string): TitleFilter | undefined {
    return parseTitleFilter(input, this.catalog.genres(), root);
  }

  /** Cached neighbour lists for retrieval; the tier filter runs in memory on the cached list. */
  neighbours = async (titleId: string, limit: number, maxTier: MaturityTier): Promise<SimilarEdge[]> => {
    let edges = this.cache.get(titleId);
    if (!edges) {
      edges = await this.store.similarTitles(titleId, DEFAULT_SIMILARITY.topK);
      if (this.cache.size >= CACHED_TITLES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(titleId, edges);
    }
    return edges
      .filter((e) => {
        const to = this.catalog.get(e.to);
        return to !== undefined && allowedFor(maxTier, to.maturityTier);
      })
      .slice(0, limit);
  };

  /** Drops cached lists: a new title's edges change its neighbours' lists. */
  forget(): void {
    this.cache.clear();
  }

  private titles(ids: readonly string[]): Promise<(Title | null)[]> {
    return resolveTitles(this.catalog, this.store, ids);
  }
}

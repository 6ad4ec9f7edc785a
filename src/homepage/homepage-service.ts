import { checkDeadline } from '../domain/deadline';
import { randomUUID } from 'node:crypto';
import type { Store } from '../../graph/store';
import type { Profile } from '../domain/types';
import type { ArtworkSelector, RowBuilder } from '../pipeline/stages';
import type { CatalogIndex } from '../pipeline/catalog-index';
import type { UtilityWeights } from '../pipeline/utility';
import type { HomepageRequest } from '../pipeline/request';
import type { ModelHolder } from '../models/model-holder';
import type { ServingModels } from '../models/serving-models';
import type { RowItemPlan, RowPlan } from '../pipeline/rows';
import { NotFoundError } from '../domain/errors';
import { HomepageCache } from './homepage-cache';
import { profileSignals } from '../pipeline/profile-signals';
import { resolveContext, type ViewingContext, type ViewingContextInputData } from '../pipeline/viewing-context';

/** An item as the API returns it: ids that the GraphQL layer resolves through its loaders. */
export interface HomepageItem extends Omit<RowItemPlan, 'title'> {
  titleId: string;
  artworkId: string;
  /** Why the bandit showed this artwork variant. */
  artworkReason: string;
  position: number;
}

export interface HomepageRow extends Omit<RowPlan, 'items'> {
  position: number;
  items: HomepageItem[];
}

export interface HomepageResult {
  requestId: string;
  profile: Profile;
  context: ViewingContext;
  rows: HomepageRow[];
  /** The model bundle that served the page. */
  modelVersion: string;
}

/** The stages that do not come from the model bundle. */
export interface HomepageStages {
  rows: RowBuilder;
  artwork: ArtworkSelector;
}

export interface HomepageServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  models: ModelHolder<ServingModels>;
  /** Public so benchmarks can time each stage alone. */
  stages: HomepageStages;
  clock?: () => number;
  cache?: HomepageCache<Omit<HomepageResult, 'requestId'>>;
}

/**
 * The request path (docs/ARCHITECTURE.md) in one place: take the profile, derive its signals, then
 * retrieval → ranking (both from the current model bundle) → rows → artwork. Each stage is an
 * interface; this class only wires them.
 */
export class HomepageService {
  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly models: ModelHolder<ServingModels>;
  readonly stages: HomepageStages;
  private readonly clock: () => number;
  readonly cache: HomepageCache<Omit<HomepageResult, 'requestId'>>;

  constructor(o: HomepageServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.models = o.models;
    this.stages = o.stages;
    this.clock = o.clock ?? Date.now;
    this.cache = o.cache ?? new HomepageCache(0);
  }

  /** Everything the stages need for one profile in one context. */
  async request(profileId: string, contextInput?: ViewingContextInputData | null): Promise<HomepageRequest> {
    return this.requestFor(await this.profile(profileId), contextInput);
  }

  /** The page for a profile by id (read here). */
  async homepage(profileId: string, contextInput?: ViewingContextInputData | null, weights?: UtilityWeights): Promise<HomepageResult> {
    return this.homepageFor(await this.profile(profileId), contextInput, weights);
  }

  /** For a profile the caller has read already (the access check): the request path reads it once. */
  async requestFor(profile: Profile, contextInput?: ViewingContextInputData | null): Promise<HomepageRequest> {
    const profileId = profile.id;
    // With personalization off, nothing the profile did is read: the page is the one a new profile in its country would get.
    const personalized = !profile.personalizationOff;
    const [account, watch] = await Promise.all([
      this.store.getAccount(profile.accountId),
      personalized ? this.store.getWatchState(profileId) : [],
    ]);
    if (!account) throw new Error(`profile ${profileId} has no account ${profile.accountId}`);
    const now = this.clock();
    return {
      profile,
      account,
      context: resolveContext(contextInput, account, now),
      catalog: this.catalog,
      signals: profileSignals(watch, (id) => this.catalog.get(id), now, personalized ? profile : undefined),
    };
  }

  /** `weights` overrides the configured utility weights (an experiment's variant). */
  async homepageFor(profile: Profile, contextInput?: ViewingContextInputData | null, weights?: UtilityWeights): Promise<HomepageResult> {
    const req = await this.requestFor(profile, contextInput);
    const key = HomepageCache.key(req, this.models.version, weights);
    const now = this.clock();
    // A page shown again is a new page view: it gets its own request id.
    const cached = this.cache.get(key, now);
    if (cached) return { ...cached, requestId: randomUUID() };
    const page = await this.build(req, weights);
    this.cache.set(profile.id, key, page, now);
    return { ...page, requestId: randomUUID() };
  }

  private async build(req: HomepageRequest, weights?: UtilityWeights): Promise<Omit<HomepageResult, 'requestId'>> {
    const { profile, context } = req;
    // One model generation for the whole request, even if a newer bundle is swapped in meanwhile.
    // Between stages, a request nobody waits for any more (past its deadline, client gone) stops.
    checkDeadline();
    const { ranked, modelVersion } = await this.models.use(async (m) => {
      const candidates = await m.retrieval.generate(req);
      checkDeadline();
      return { ranked: await m.ranker.rank(req, candidates, weights), modelVersion: m.version };
    });
    checkDeadline();
    const plans = await this.stages.rows.build(req, ranked);
    checkDeadline();
    const shown = new Map(plans.flatMap((r) => r.items.map((i) => [i.title.id, i.title] as const)));
    const artwork = await this.stages.artwork.choose(req, [...shown.values()]);
    return {
      profile,
      context,
      modelVersion,
      rows: plans.map((row, r) => ({
        ...row,
        position: r,
        // A title the artwork stage could not dress (an import without variants) is left out.
        items: row.items
          .filter((item) => artwork.has(item.title.id))
          .map(({ title, ...item }, position) => ({
            ...item,
            position,
            titleId: title.id,
            artworkId: artwork.get(title.id)!.id,
            artworkReason: artwork.get(title.id)!.reason,
          })),
      })),
    };
  }

  private async profile(profileId: string): Promise<Profile> {
    const [profile] = await this.store.getProfiles([profileId]);
    if (!profile) throw new NotFoundError('Profile', profileId);
    return profile;
  }
}

import { checkDeadline } from '../domain/deadline';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Candidate, RankedCandidate } from '../pipeline/candidates';
import type { RankerSettings } from '../pipeline/treatment';
import type { InterleavedPicks, RowItemPlan } from '../pipeline/rows';
import { INTERLEAVED, NO_EXPERIMENTS, type ExperimentService, type PageExperiments } from '../experiments/experiment-service';
import { teamDraft } from '../ranking/team-draft';
import { Rng } from '../shared/random';
import type { Store, ViewerState } from '../../graph/store';
import type { ExperimentVariant, Profile } from '../domain/types';
import type { TitleFilter } from '../domain/title-filter';
import type { Promotion } from '../domain/promotion';
import { parseTitleFilter, type TitleFilterData } from '../pipeline/title-filter-input';
import type { ArtworkSelector, ChosenArtwork, RowBuilder } from '../pipeline/stages';
import type { HomepageObserver, HomepageStage } from './homepage-observer';
import type { CatalogIndex } from '../pipeline/catalog-index';
import type { HomepageRequest } from '../pipeline/request';
import type { ModelHolder } from '../models/model-holder';
import type { ServingModels } from '../models/serving-models';
import { NotFoundError } from '../domain/errors';
import { HomepageCache } from './homepage-cache';
import type { HomepageItem, HomepageResult } from './homepage-result';

export type { HomepageItem, HomepageResult, HomepageRow } from './homepage-result';
import { profileSignals } from '../pipeline/profile-signals';
import { feedbackVersion, withViewerChoices } from '../pipeline/viewer-titles';
import { resolveContext, type ViewingContextInputData } from '../pipeline/viewing-context';

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
  /** Assigns variants and records exposures and timings; without it no page is in an experiment. */
  experiments?: ExperimentService;
  /** Hears stage timings, candidates, cache lookups and served pages (monitoring). */
  observer?: HomepageObserver;
  /** The promotions running for a viewer (src/catalog/promotion-service.ts); none without it. */
  promotions?: { running(country: string, at: number): Promise<Promotion[]> };
}

/** A profile read with everything a page reads of its viewer (Store.viewerState), the profile found. */
export type Viewer = ViewerState & { profile: Profile };

/** How many of an interleaving's Top Picks are drafted by the two rankers: more than any device's row holds. */
const INTERLEAVED_LENGTH = 60;

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
  private readonly experiments?: ExperimentService;
  private readonly observer?: HomepageObserver;
  private readonly promotions?: HomepageServiceOptions['promotions'];

  constructor(o: HomepageServiceOptions) {
    this.promotions = o.promotions;
    this.experiments = o.experiments;
    this.observer = o.observer;
    this.store = o.store;
    this.catalog = o.catalog;
    this.models = o.models;
    this.stages = o.stages;
    this.clock = o.clock ?? Date.now;
    this.cache = o.cache ?? new HomepageCache(0);
  }

  /** A client's filter checked against the catalog's genres (InvalidInputError under `root`). */
  titleFilter(input: TitleFilterData | null | undefined, root: string): TitleFilter | undefined {
    return parseTitleFilter(input, this.catalog.genres(), root);
  }

  /** Everything the stages need for one profile in one context. */
  async request(profileId: string, contextInput?: ViewingContextInputData | null): Promise<HomepageRequest> {
    return this.requestFor(await this.viewer(profileId), contextInput);
  }

  /** The page for a profile by id (read here). */
  async homepage(profileId: string, contextInput?: ViewingContextInputData | null, requestId?: string): Promise<HomepageResult> {
    return this.homepageFor(await this.viewer(profileId), contextInput, requestId);
  }

  /**
   * The profile with everything a page reads of its viewer, in one store read (Store.viewerState):
   * the resolver checks access on the profile it answers, and the page is built from the rest.
   */
  viewerState(profileId: string, accountId: string): Promise<ViewerState> {
    return this.store.viewerState(profileId, accountId);
  }

  /** For a viewer the caller has read already (with the access check): nothing of it is read again. */
  async requestFor(
    viewer: Viewer,
    contextInput?: ViewingContextInputData | null,
    page: PageExperiments = NO_EXPERIMENTS,
    filter?: TitleFilter,
  ): Promise<HomepageRequest> {
    const { profile, account, watch, feedback } = viewer;
    const profileId = profile.id;
    // With personalization off, nothing the profile did is read (the store leaves its watch state
    // out): the page is the one a new profile in its country would get.
    const personalized = !profile.personalizationOff;
    if (!account) throw new Error(`profile ${profileId} has no account ${profile.accountId}`);
    const now = this.clock();
    const context = resolveContext(contextInput, account, now);
    // A PROMOTIONS variant may switch them off: the page without campaigns, to measure what they cost.
    // Campaigns target the account's country, as licences do (the context's is the client's say).
    const promotions = page.treatment?.promotions === false ? [] : ((await this.promotions?.running(account.country, now)) ?? []);
    return {
      profile,
      account,
      context,
      promotions,
      catalog: this.catalog,
      signals: profileSignals(watch, (id) => this.catalog.get(id), now, personalized ? profile : undefined, feedback),
      feedbackVersion: feedbackVersion(feedback),
      treatment: page.treatment,
      filter,
    };
  }

  /**
   * The page under the experiments the profile's unit is in: its exposures recorded (once a day)
   * and the request timed per variant for the experiments' guardrails. `requestId` names this page
   * view (the HTTP request's id); a new one is drawn without it.
   */
  async homepageFor(
    viewer: Viewer,
    contextInput?: ViewingContextInputData | null,
    requestId?: string,
    filter?: TitleFilter,
  ): Promise<HomepageResult> {
    const { profile } = viewer;
    const started = performance.now();
    const page = (await this.experiments?.assign(profile)) ?? NO_EXPERIMENTS;
    let failed = true;
    try {
      const result = { ...(await this.pageFor(viewer, contextInput, page, filter)), requestId: requestId ?? randomUUID() };
      await this.experiments?.expose(page);
      this.observer?.served(result);
      failed = false;
      return result;
    } finally {
      if (page.experiments.length > 0) this.experiments?.timings.note(page.experiments, performance.now() - started, failed);
    }
  }

  /** The page without its request id: a page shown again from the cache is a new page view with its own. */
  private async pageFor(
    viewer: Viewer,
    contextInput: ViewingContextInputData | null | undefined,
    page: PageExperiments,
    filter: TitleFilter | undefined,
  ) {
    const req = await this.timed('request', () => this.requestFor(viewer, contextInput, page, filter));
    const key = HomepageCache.key(req, this.models.version, page.experiments);
    const now = this.clock();
    const cached = this.cache.get(key, now);
    this.observer?.cacheLookup(cached !== undefined);
    if (cached) return cached;
    const built = await this.timed('total', () => this.build(req, page.experiments));
    this.cache.set(viewer.profile.id, key, built, now);
    return built;
  }

  /** Runs one stage, telling the observer how long it took (failed runs included). */
  private async timed<T>(stage: HomepageStage, run: () => Promise<T>): Promise<T> {
    if (!this.observer) return run();
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.observer.stage(stage, performance.now() - started);
    }
  }

  /** The page, each item with what its impression echoes: the page's experiments, an interleaving's naming the ranker that placed it. */
  private async build(req: HomepageRequest, experiments: ExperimentVariant[]): Promise<Omit<HomepageResult, 'requestId'>> {
    const { profile, context } = req;
    // One model generation for the whole request, even if a newer bundle is swapped in meanwhile.
    // Between stages, a request nobody waits for any more (past its deadline, client gone) stops.
    checkDeadline();
    const { ranked, picks, modelVersion } = await this.models.use(async (m) => {
      const candidates = await this.timed('retrieval', async () => withViewerChoices(req, await m.retrieval.generate(req)));
      this.observer?.candidates(candidates);
      checkDeadline();
      return { ...(await this.timed('ranking', () => this.rank(m, req, candidates))), modelVersion: m.version };
    });
    checkDeadline();
    const plans = await this.timed('rows', () => this.stages.rows.build(req, ranked, picks));
    checkDeadline();
    const shown = new Map(plans.flatMap((r) => r.items.map((i) => [i.title.id, i.title] as const)));
    const artwork = await this.timed('artwork', () => this.stages.artwork.choose(req, [...shown.values()]));
    const credited = new Map<string, ExperimentVariant[]>();
    const echoed = (team: string | undefined) => {
      if (!team) return experiments;
      let list = credited.get(team);
      if (!list) credited.set(team, (list = experiments.map((x) => (x.variant === INTERLEAVED ? { ...x, variant: team } : x))));
      return list;
    };
    return {
      profile,
      context,
      modelVersion,
      experiments,
      rows: plans.map((row, r) => ({
        id: row.id,
        kind: row.kind,
        displayTitle: row.displayTitle,
        reason: row.reason,
        score: row.score,
        position: r,
        // A title the artwork stage could not dress (an import without variants) is left out.
        items: row.items
          .filter((item) => artwork.has(item.title.id))
          .map((item, position) => servedItem(item, position, artwork.get(item.title.id)!, echoed(item.team))),
      })),
    };
  }

  /**
   * The candidates in the order of the ranker the page's treatment names (the trained one by
   * default); under an interleaving, in the first team's order, with Top Picks drafted from both.
   */
  private async rank(
    m: ServingModels,
    req: HomepageRequest,
    candidates: readonly Candidate[],
  ): Promise<{ ranked: RankedCandidate[]; picks?: InterleavedPicks }> {
    const rankWith = (settings?: RankerSettings) =>
      !settings || settings.model === 'TRAINED'
        ? m.ranker.rank(req, candidates, settings?.utility)
        : m.baselines[settings.model].rank(req, candidates);
    const interleaving = req.treatment?.interleaving;
    if (!interleaving) return { ranked: await rankWith(req.treatment?.ranker) };
    const [a, b] = interleaving.teams;
    const [first, second] = await Promise.all([rankWith(a.ranker), rankWith(b.ranker)]);
    // Each drafted title keeps the utility of the ranker that placed it.
    const picks = teamDraft(
      { name: a.name, ranked: first },
      { name: b.name, ranked: second },
      INTERLEAVED_LENGTH,
      new Rng(interleaving.seed),
    );
    return { ranked: first, picks };
  }

  /** The profile and its viewer state, one store read. */
  private async viewer(profileId: string): Promise<Viewer> {
    const viewer = await this.store.viewerState(profileId);
    if (!viewer.profile) throw new NotFoundError('Profile', profileId);
    return { ...viewer, profile: viewer.profile };
  }
}

/**
 * A row's item as served. Written field by field rather than spread: copying ~170 items a page
 * by spread (and rest) was a fifth of the pipeline's CPU. `satisfies` lists every HomepageItem
 * field, optional ones included, so a field added to RowItemPlan fails to compile until it is here.
 */
function servedItem(item: RowItemPlan, position: number, artwork: ChosenArtwork, experiments: ExperimentVariant[]): HomepageItem {
  return {
    reason: item.reason,
    sources: item.sources,
    sourceScores: item.sourceScores,
    utility: item.utility,
    heads: item.heads,
    explorationBonus: item.explorationBonus,
    team: item.team,
    promotion: item.promotion,
    position,
    titleId: item.title.id,
    artworkId: artwork.id,
    artworkReason: artwork.reason,
    artworkKind: artwork.kind,
    experiments,
  } satisfies Record<keyof HomepageItem, unknown>;
}

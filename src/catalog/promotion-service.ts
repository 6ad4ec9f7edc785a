import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Store } from '../../graph/store';
import { InvalidInputError, invalidInput } from '../domain/errors';
import { promotionRuns, type Promotion } from '../domain/promotion';
import type { DomainChanges } from '../domain/changes';
import type { ChangeFeed } from '../shared/change-feed';
import type { CatalogIndex } from '../pipeline/catalog-index';
import { PROMOTABLE_ROWS } from '../pipeline/rows';
import { errorMessage } from '../shared/error-message';
import type { Logger } from '../shared/logger';

/** Other replicas' new promotions are seen within this long. */
const DEFAULT_REFRESH_MS = 10_000;
const MAX_PROMOTED_TITLES = 20;

const PromotionInput = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 lower-case letters, digits or dashes'),
    label: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
    titleIds: z
      .array(z.string().min(1, 'must not be empty'))
      .min(1, 'must name at least one title')
      .max(MAX_PROMOTED_TITLES, `must hold at most ${MAX_PROMOTED_TITLES} titles`),
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be upper-case ISO 3166-1 alpha-2 codes such as "US"'))
      .min(1, 'must name at least one country (leave it out for every country)')
      .max(250)
      .nullish(),
    from: z.date().nullish(),
    until: z.date(),
    rows: z.array(z.enum(PROMOTABLE_ROWS)).min(1, 'must allow at least one row').nullish(),
    position: z.number().int().min(0, 'must be 0 or more').max(19, 'must be at most 19').nullish(),
    maxShare: z.number().gt(0, 'must be above 0').max(0.5, 'must be at most 0.5').nullish(),
  })
  .strict();
export type PromotionInputData = z.input<typeof PromotionInput>;

/** Where promoted titles go when a promotion does not say: the rows that offer new things to everyone. */
const DEFAULT_ROWS: Promotion['rows'] = ['TOP_PICKS', 'TRENDING', 'NEW_RELEASES', 'GENRE'];

export interface PromotionServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  clock?: () => number;
  logger?: Logger;
  refreshMs?: number;
  /** Hears `promotionsChanged`: cached pages may miss a new promotion or show an ended one. */
  changes?: ChangeFeed<DomainChanges>;
}

/** Campaigns catalog admins run (src/domain/promotion.ts): created, ended, and read by every homepage. */
export class PromotionService {
  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly clock: () => number;
  private readonly logger?: Logger;
  private readonly refreshMs: number;
  private readonly changes?: ChangeFeed<DomainChanges>;
  private cached: { list: Promotion[]; readAt: number } | null = null;
  private reading: Promise<Promotion[]> | null = null;
  /** Bumped by every change here: a read that started before one is not kept. */
  private generation = 0;

  constructor(o: PromotionServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.clock = o.clock ?? Date.now;
    this.logger = o.logger;
    this.refreshMs = o.refreshMs ?? DEFAULT_REFRESH_MS;
    this.changes = o.changes;
  }

  async create(input: PromotionInputData): Promise<Promotion> {
    const parsed = PromotionInput.safeParse(input);
    if (!parsed.success) throw invalidInput(parsed.error, 'input');
    const p = parsed.data;
    p.titleIds.forEach((id, i) => {
      if (!this.catalog.get(id)) throw new InvalidInputError(`input.titleIds[${i}]`, `is not a title of the catalog: "${id}"`);
    });
    const now = this.clock();
    const from = p.from?.getTime() ?? now;
    if (p.until.getTime() <= from) throw new InvalidInputError('input.until', 'must be after `from` (or now, when `from` is left out)');
    const promotion: Promotion = {
      id: p.id,
      label: p.label,
      titleIds: [...new Set(p.titleIds)],
      ...(p.countries ? { countries: [...new Set(p.countries)].sort() } : {}),
      from,
      until: p.until.getTime(),
      rows: p.rows ? [...new Set(p.rows)] : DEFAULT_ROWS,
      position: p.position ?? 2,
      maxShare: p.maxShare ?? 0.25,
      createdAt: now,
    };
    await this.store.createPromotion(promotion);
    await this.changed();
    return promotion;
  }

  async end(id: string): Promise<Promotion> {
    const ended = await this.store.endPromotion(id, this.clock());
    await this.changed();
    return ended;
  }

  list(): Promise<Promotion[]> {
    return this.store.listPromotions();
  }

  /** The promotions running for a viewer in `country` at `at`, oldest first. */
  async running(country: string, at: number): Promise<Promotion[]> {
    return (await this.all()).filter((p) => promotionRuns(p, country, at));
  }

  /** Every promotion as last read; read again when older than refreshMs, or if the read fails, the last list kept. */
  private async all(): Promise<Promotion[]> {
    if (this.cached && performance.now() - this.cached.readAt < this.refreshMs) return this.cached.list;
    const generation = this.generation;
    this.reading ??= this.store
      .listPromotions()
      .then((list) => {
        if (generation === this.generation) this.cached = { list, readAt: performance.now() };
        return list;
      })
      .catch((err: unknown) => {
        this.logger?.warn({ err: errorMessage(err) }, 'promotions not read; serving the last list');
        return this.cached?.list ?? [];
      })
      .finally(() => (this.reading = null));
    return this.reading;
  }

  /** A change here is served at once by this replica; others when it reaches them (shared state), or within refreshMs. */
  private async changed(): Promise<void> {
    this.forget();
    await this.changes?.publish('promotionsChanged', {});
  }

  /** Drops the list read (a promotion changed here or on another replica): the next page reads it again. */
  forget(): void {
    this.generation++;
    this.cached = null;
    this.reading = null;
  }
}

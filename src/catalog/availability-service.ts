import { z } from 'zod';
import type { Store } from '../../graph/store';
import type { Availability, Title } from '../domain/types';
import type { DomainChanges } from '../domain/changes';
import { invalidInput } from '../domain/errors';
import type { ChangeFeed } from '../shared/change-feed';
import type { CatalogIndex } from '../pipeline/catalog-index';

/** Every ISO 3166-1 country fits; more is a mistake. */
const MAX_COUNTRIES = 250;

const AvailabilityInput = z
  .object({
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be upper-case ISO 3166-1 alpha-2 codes such as "US"'))
      .max(MAX_COUNTRIES, `must hold at most ${MAX_COUNTRIES} countries`)
      .nullish(),
    from: z.date().nullish(),
    until: z.date().nullish(),
  })
  .refine((a) => !a.from || !a.until || a.from < a.until, { message: 'must be after `from`', path: ['until'] });
export type AvailabilityInputData = z.input<typeof AvailabilityInput>;

/** The licence as stored: sorted, unique countries; absent fields where the input left them out. */
export function parseAvailability(input: AvailabilityInputData, root: string): Availability {
  const parsed = AvailabilityInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, root);
  const a = parsed.data;
  return {
    ...(a.countries ? { countries: [...new Set(a.countries)].sort() } : {}),
    ...(a.from ? { from: a.from.getTime() } : {}),
    ...(a.until ? { until: a.until.getTime() } : {}),
  };
}

export interface AvailabilityServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  /** Hears `titleChanged`: cached pages may show a title that is withdrawn now. */
  changes?: ChangeFeed<DomainChanges>;
}

/** Where titles are licensed, set by catalog admins: the next page in each country follows at once. */
export class AvailabilityService {
  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly changes?: ChangeFeed<DomainChanges>;

  constructor(o: AvailabilityServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.changes = o.changes;
  }

  /** Replaces the title's licence; null: everywhere, always. Throws NotFoundError for an unknown title. */
  async set(titleId: string, input: AvailabilityInputData | null): Promise<Title> {
    const availability = input === null ? null : parseAvailability(input, 'availability');
    const title = await this.store.setTitleAvailability(titleId, availability);
    this.catalog.add(title);
    await this.changes?.publish('titleChanged', { titleId });
    return title;
  }
}

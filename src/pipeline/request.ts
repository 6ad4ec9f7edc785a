import type { Account, Profile } from '../domain/types';
import type { TitleFilter } from '../domain/title-filter';
import type { Promotion } from '../domain/promotion';
import type { CatalogIndex } from './catalog-index';
import type { ProfileSignals } from './profile-signals';
import type { Treatment } from './treatment';
import type { ViewingContext } from './viewing-context';

/** Everything a stage may look at for one homepage request. */
export interface HomepageRequest {
  profile: Profile;
  account: Account;
  context: ViewingContext;
  signals: ProfileSignals;
  catalog: CatalogIndex;
  /** Changes whenever the profile's feedback (thumbs, not interested, My List) does: part of the page cache's key. */
  feedbackVersion?: string;
  /** What the client narrowed this page to (genres, kinds, runtime); absent: everything. */
  filter?: TitleFilter;
  /** The promotions running for this viewer now (none when an experiment switches them off). */
  promotions?: Promotion[];
  /** What the page's experiments change; absent or empty: the product's defaults. */
  treatment?: Treatment;
}

import type { ExperimentVariant, Profile } from '../domain/types';
import type { RowItemPlan, RowPlan } from '../pipeline/rows';
import type { ChoiceKind } from '../pipeline/stages';
import type { ViewingContext } from '../pipeline/viewing-context';

/** An item as the API returns it: ids that the GraphQL layer resolves through its loaders. */
export interface HomepageItem extends Omit<RowItemPlan, 'title'> {
  titleId: string;
  artworkId: string;
  /** Why the bandit showed this artwork variant. */
  artworkReason: string;
  /** How the bandit chose it (explore, theme, variant, …): what artwork take rates are monitored by. */
  artworkKind: ChoiceKind;
  position: number;
  /** What the client echoes with this item's impression: the page's experiments, an interleaving's naming the ranker that placed the item. */
  experiments: ExperimentVariant[];
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
  /** The experiment variants the page was built under (assigned by the server; clients echo them with impressions). */
  experiments: ExperimentVariant[];
}

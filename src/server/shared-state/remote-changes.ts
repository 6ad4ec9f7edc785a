import type { Store } from '../../../graph/store';
import type { NewTitleService } from '../../catalog/new-title-service';
import type { PromotionService } from '../../catalog/promotion-service';
import type { ExperimentService } from '../../experiments/experiment-service';
import type { DomainChanges } from '../../domain/changes';
import type { RetrievalUpdates } from '../../events/online-updates';
import type { CatalogIndex } from '../../pipeline/catalog-index';
import { forgetErased, type DerivedState } from '../../profiles/privacy-service';
import type { FeatureStore } from '../../ranking/features/feature-store';
import type { QualityMonitor } from '../../monitoring/quality-monitor';

/** The parts of a replica that another replica's changes reach. */
export interface ReplicaParts {
  store: Store;
  catalog: CatalogIndex;
  retrieval: RetrievalUpdates;
  /** Where accepted impressions are counted (feature store and trending counters). */
  shown: Pick<FeatureStore, 'noteImpressions'>;
  /** Counts the impressions of pages this replica served and takes its impressions' plays, wherever they were received. */
  quality: Pick<QualityMonitor, 'impressionsElsewhere' | 'playsElsewhere'>;
  derived: DerivedState;
  newTitles: Pick<NewTitleService, 'takeIn'>;
  promotions: Pick<PromotionService, 'forget'>;
  experiments: Pick<ExperimentService, 'forget'>;
  clock: () => number;
  /** Looks for the newer bundle another replica swapped in (the shared models directory). */
  checkForNewerModel?: () => Promise<unknown>;
}

type Handlers = { [K in keyof DomainChanges]: (change: DomainChanges[K]) => unknown };

/**
 * What this replica does with a change another replica made, before its caches hear it on the
 * change feed (services.ts wires them): the same updates to derived state the other replica made
 * when it wrote, so both serve the same counts. Caches-only changes need nothing here.
 */
export function applyRemoteChange(r: ReplicaParts): <K extends keyof DomainChanges>(kind: K, change: DomainChanges[K]) => Promise<void> {
  const handlers: Handlers = {
    playbacksRecorded: async ({ events, owners }) => {
      r.catalog.notePlays(events.map((e) => e.titleId));
      r.quality.playsElsewhere(events);
      await r.retrieval.apply(events, owners);
    },
    impressionsRecorded: ({ events }) => {
      r.shown.noteImpressions(events);
      r.quality.impressionsElsewhere(events);
    },
    historyErased: (change) => forgetErased(r.derived, change, r.clock()),
    titleAdded: async ({ titleId }) => {
      const [title] = await r.store.getTitles([titleId]);
      if (title) r.newTitles.takeIn(title);
    },
    titleChanged: async ({ titleId }) => {
      const [title] = await r.store.getTitles([titleId]);
      if (title) r.catalog.add(title);
    },
    promotionsChanged: () => r.promotions.forget(),
    experimentsChanged: () => r.experiments.forget(),
    modelSwapped: () => r.checkForNewerModel?.(),
    profileChanged: () => undefined,
    feedbackChanged: () => undefined,
  };
  return async (kind, change) => {
    await handlers[kind](change);
  };
}

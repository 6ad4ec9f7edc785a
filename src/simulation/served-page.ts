import type { ExperimentVariant } from '../domain/types';

/** The homepage as the simulator asks for it: what a client app needs to draw it and report on it. */
export const HOMEPAGE_QUERY = `query SimulatedHomepage($profileId: ID!, $context: ViewingContextInput) {
  homepage(profileId: $profileId, context: $context) {
    requestId
    experiments { experimentId variant }
    rows { position kind items { position title { id } artwork { id } experiments { experimentId variant } } }
  }
}`;

export interface ServedItem {
  titleId: string;
  artworkId: string;
  position: number;
  experiments: ExperimentVariant[];
}

export interface ServedRow {
  position: number;
  kind: string;
  items: ServedItem[];
}

export interface ServedPage {
  requestId: string;
  experiments: ExperimentVariant[];
  rows: ServedRow[];
}

interface HomepageData {
  homepage: {
    requestId: string;
    experiments: ExperimentVariant[];
    rows: {
      position: number;
      kind: string;
      items: { position: number; title: { id: string }; artwork: { id: string }; experiments: ExperimentVariant[] }[];
    }[];
  };
}

/** The page from the query's answer. */
export function servedPage(data: HomepageData): ServedPage {
  const h = data.homepage;
  return {
    requestId: h.requestId,
    experiments: h.experiments,
    rows: h.rows.map((r) => ({
      position: r.position,
      kind: r.kind,
      items: r.items.map((i) => ({ titleId: i.title.id, artworkId: i.artwork.id, position: i.position, experiments: i.experiments })),
    })),
  };
}

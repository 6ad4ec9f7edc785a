import type { Profile } from '../domain/types';
import { StoreUnavailableError } from '../../graph/errors';
import type { Exposure, NeighbourLookup, TitleEvidence, RowBuilder } from '../pipeline/stages';
import type { RankedCandidate } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import { DEVICE_LAYOUTS, sessionStage } from './device-layout';
import { placeRows } from './page-placement';
import { anchorWatches, rowCandidates, type Anchor } from './row-candidates';
import type { InterleavedPicks, RowPlan } from '../pipeline/rows';

/** Neighbours per anchor a "Because You Watched" row draws from (the graph keeps 50). */
const ANCHOR_NEIGHBOURS = 50;

export interface PageBuilderOptions {
  /** The title-similarity graph (cached); when it fails the page goes without "Because You Watched". */
  neighbours: NeighbourLookup;
  /** The viewer's recent exposure to each title (the ranker's feature store). */
  exposure(profile: Profile, now: number): (titleId: string) => Exposure;
  /** Impressions of a title across all viewers lately. */
  evidence(titleId: string, now: number): TitleEvidence;
  /** Share of each row's slots for less-exposed titles, 0..0.5. */
  explorationShare: number;
  onGraphUnavailable?(err: Error): void;
}

/**
 * Page construction: candidate rows for this profile and context (row-candidates.ts), placed
 * greedily on the device's layout (page-placement.ts). After a long browse without a play, a
 * larger share of slots goes to exploration: what the viewer was offered did not work.
 */
export class PageBuilder implements RowBuilder {
  constructor(private readonly o: PageBuilderOptions) {}

  async build(req: HomepageRequest, ranked: readonly RankedCandidate[], picks?: InterleavedPicks): Promise<RowPlan[]> {
    const { context } = req;
    const anchors = await this.anchors(req);
    const shown = this.o.exposure(req.profile, context.now);
    const base = req.treatment?.explorationShare ?? this.o.explorationShare;
    const share = Math.min(0.5, base * (sessionStage(context) === 'BROWSING_LONG' ? 1.5 : 1));
    return placeRows(rowCandidates(req, ranked, anchors, picks), {
      context,
      layout: DEVICE_LAYOUTS[context.device],
      explorationShare: share,
      timesShown: (id) => shown(id).shown,
      evidence: (id) => this.o.evidence(id, context.now),
      placement: req.treatment?.rowPlacement,
    });
  }

  private async anchors(req: HomepageRequest): Promise<Anchor[]> {
    const watches = anchorWatches(req);
    try {
      const lists = await Promise.all(watches.map((w) => this.o.neighbours(w.title.id, ANCHOR_NEIGHBOURS, req.profile.maturityLimit)));
      return watches.map((w, i) => ({ ...w, neighbours: lists[i] }));
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.o.onGraphUnavailable?.(err);
      return [];
    }
  }
}

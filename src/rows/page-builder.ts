import type { Profile } from '../domain/types';
import { StoreUnavailableError } from '../../graph/errors';
import type { Exposure, NeighbourLookup, TitleEvidence, RowBuilder } from '../pipeline/stages';
import { sortByUtility, type RankedCandidate } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import { DEVICE_LAYOUTS, sessionStage } from './device-layout';
import { placeRows } from './page-placement';
import { placePromotions } from './promotion-placement';
import { anchorWatches, rowCandidates, type Anchor } from './row-candidates';
import type { InterleavedPicks, RowPlan } from '../pipeline/rows';

/** Neighbours per anchor a "Because You Watched" row draws from (the graph keeps 50). */
const ANCHOR_NEIGHBOURS = 50;
/**
 * A title rejected by the viewer (thumbs down, not interested) weakens its nearest neighbours for
 * that viewer: each loses up to this share of its utility, in proportion to its similarity. The
 * viewer said "not this", which says "less of this kind" too, but not "none of it".
 */
const REJECTED_NEIGHBOUR_PENALTY = 0.5;
const REJECTED_NEIGHBOURS = 20;
/** Rejections looked up per page; a profile with more has the neighbours of its latest ones weakened. */
const MAX_REJECTIONS = 20;

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
    const [anchors, weighed] = await Promise.all([this.anchors(req), this.weakenRejectedNeighbours(req, ranked)]);
    const shown = this.o.exposure(req.profile, context.now);
    const base = req.treatment?.explorationShare ?? this.o.explorationShare;
    const share = Math.min(0.5, base * (sessionStage(context) === 'BROWSING_LONG' ? 1.5 : 1));
    const rows = placeRows(rowCandidates(req, weighed, anchors, picks), {
      context,
      layout: DEVICE_LAYOUTS[context.device],
      explorationShare: share,
      timesShown: (id) => shown(id).shown,
      evidence: (id) => this.o.evidence(id, context.now),
      placement: req.treatment?.rowPlacement,
    });
    const own = new Set([...req.signals.myList, ...req.signals.inProgress.map((w) => w.titleId)]);
    return placePromotions(rows, req.promotions ?? [], weighed, own);
  }

  /** The ranked candidates with the rejected titles' neighbours weakened, in their new order. */
  private async weakenRejectedNeighbours(req: HomepageRequest, ranked: readonly RankedCandidate[]): Promise<readonly RankedCandidate[]> {
    const rejected = [...req.signals.rejected].slice(0, MAX_REJECTIONS);
    if (rejected.length === 0) return ranked;
    const lists = await this.lookUp(rejected.map((id) => () => this.o.neighbours(id, REJECTED_NEIGHBOURS, req.profile.maturityLimit)));
    const closeness = new Map<string, number>();
    for (const e of (lists ?? []).flat()) closeness.set(e.to, Math.max(closeness.get(e.to) ?? 0, Math.min(1, e.score)));
    if (closeness.size === 0) return ranked;
    return sortByUtility(
      ranked.map((c) =>
        closeness.has(c.title.id) ? { ...c, utility: c.utility * (1 - REJECTED_NEIGHBOUR_PENALTY * closeness.get(c.title.id)!) } : c,
      ),
    );
  }

  /** Neighbour lists from the graph, or null when it is unavailable (the page goes without what needs them). */
  private async lookUp<T>(lookups: (() => Promise<T>)[]): Promise<T[] | null> {
    try {
      return await Promise.all(lookups.map((l) => l()));
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.o.onGraphUnavailable?.(err);
      return null;
    }
  }

  private async anchors(req: HomepageRequest): Promise<Anchor[]> {
    const watches = anchorWatches(req);
    const lists = await this.lookUp(watches.map((w) => () => this.o.neighbours(w.title.id, ANCHOR_NEIGHBOURS, req.profile.maturityLimit)));
    return lists ? watches.map((w, i) => ({ ...w, neighbours: lists[i] })) : [];
  }
}

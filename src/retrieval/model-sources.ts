import type { Title } from '../domain/types';
import { StoreUnavailableError } from '../../graph/errors';
import type { CollaborativeModel } from './collaborative-model';
import { proposable, type SourcedTitle } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import { smoothedPlayRate } from '../pipeline/take-rate';
import { PlayCounters } from './play-counters';
import type { DecayedCounter } from './trending';
import type { CandidateSourceProvider, NeighbourLookup } from '../pipeline/stages';
import { descending } from '../shared/compare';

/** Sources backed by a model or a counter: collaborative (ALS + HNSW), content (graph), trending, segment. */

/** Titles whose ALS vectors are nearest the profile's; filters run inside the HNSW search. */
export function collaborativeSource(model: CollaborativeModel): CandidateSourceProvider {
  return {
    source: 'COLLABORATIVE',
    candidates(req, limit) {
      const vector = model.vectorFor(req.profile.id, req.signals.recent);
      if (!vector) return [];
      return model.nearest(vector, limit, req.catalog.aligned(model.titleIds), proposable(req));
    },
  };
}

/**
 * Titles the item→item model (EASE) links to the profile's whole history, weighted as ALS weighs
 * it: what viewers of the same titles went on to watch, without the ANN's approximation or a fold-in.
 */
export function itemItemSource(model: CollaborativeModel): CandidateSourceProvider {
  return {
    source: 'ITEM_ITEM',
    candidates(req, limit) {
      const ok = proposable(req);
      const found: SourcedTitle[] = [];
      for (const [id, score] of model.itemScores(req.profile.id, req.signals.recent)) {
        if (found.length >= limit) break;
        const title = req.catalog.get(id);
        if (title && ok(title) && !req.signals.seen.has(id)) found.push({ title, score });
      }
      return found;
    },
  };
}

/** Recent engaged watches whose graph neighbours are proposed; older anchors weigh less. */
const ANCHORS = 5;
const ANCHOR_DECAY = 0.8;
const MIN_ANCHOR_PROGRESS = 0.1;

/**
 * Title → similarity to the profile's recent engaged watches: the best SIMILAR_TO score over
 * the last few anchors, older anchors discounted. Shared by the content source and the ranker's
 * content-similarity feature. Throws StoreUnavailableError when the graph is unreachable.
 */
export async function contentAffinity(req: HomepageRequest, neighbours: NeighbourLookup, limit: number): Promise<Map<string, number>> {
  const anchors = req.signals.recent.filter((w) => w.completed || w.progress >= MIN_ANCHOR_PROGRESS).slice(0, ANCHORS);
  const lists = await Promise.all(anchors.map((a) => neighbours(a.titleId, limit, req.profile.maturityLimit)));
  const best = new Map<string, number>();
  lists.forEach((edges, rank) => {
    for (const e of edges) {
      const score = e.score * Math.pow(ANCHOR_DECAY, rank);
      if ((best.get(e.to) ?? -1) < score) best.set(e.to, score);
    }
  });
  return best;
}

/**
 * SIMILAR_TO neighbours of the profile's recent watches. When the graph is unreachable the
 * source returns nothing and the page is built from the others: a degraded homepage, not an error.
 */
export function contentSource(neighbours: NeighbourLookup, onUnavailable: (err: Error) => void = () => {}): CandidateSourceProvider {
  return {
    source: 'CONTENT',
    async candidates(req, limit) {
      const ok = proposable(req);
      let scores: Map<string, number>;
      try {
        scores = await contentAffinity(req, neighbours, limit);
      } catch (err) {
        if (!(err instanceof StoreUnavailableError)) throw err;
        onUnavailable(err);
        return [];
      }
      const found: SourcedTitle[] = [];
      for (const [id, score] of scores) {
        const title = req.catalog.get(id);
        if (title && ok(title) && !req.signals.seen.has(id)) found.push({ title, score });
      }
      return found.sort((a, b) => descending(a.score, b.score) || (a.title.id < b.title.id ? -1 : 1)).slice(0, limit);
    },
  };
}

function fromCounter(
  req: Parameters<CandidateSourceProvider['candidates']>[0],
  counter: DecayedCounter,
  segment: string,
  limit: number,
): SourcedTitle[] {
  const ok = proposable(req);
  const accept = (id: string) => {
    const t: Title | undefined = req.catalog.get(id);
    return t !== undefined && ok(t);
  };
  return counter.top(segment, req.context.now, limit, accept).map((x) => ({ title: req.catalog.get(x.titleId)!, score: x.score }));
}

/**
 * What is being played most right now in the profile's country (where its account is, as the
 * counters count), corrected by how the title converts when shown (trendingCorrection): among
 * the twice as many most-played titles, those played because viewers want them win over those
 * played because every homepage shows them. The correction breaks the loop in which trending
 * titles are shown more, so played more, so trend more.
 */
export function trendingSource(counters: PlayCounters): CandidateSourceProvider {
  return {
    source: 'TRENDING',
    candidates: (req, limit) =>
      fromCounter(req, counters.trending, PlayCounters.trendingKey(req.account.country), limit * 2)
        .map((x) => ({ title: x.title, score: x.score * trendingCorrection(counters.exposure(x.title.id, req.context.now)) }))
        .sort((a, b) => descending(a.score, b.score) || (a.title.id < b.title.id ? -1 : 1))
        .slice(0, limit),
  };
}

/** Plays per impression a title needs to trend on its plays alone: the prior's 5%. */
const TYPICAL_TAKE_RATE = smoothedPlayRate(0, 0);

/**
 * A title's plays-per-impression relative to a typical title, square-rooted and held within
 * 0.5..2: a title that converts four times better than usual counts double. With no logged
 * impressions (an import without them) there is nothing to correct by.
 */
export function trendingCorrection(e: { plays: number; shown: number }): number {
  if (e.shown === 0) return 1;
  const rate = smoothedPlayRate(e.plays, e.shown);
  return Math.min(2, Math.max(0.5, Math.sqrt(rate / TYPICAL_TAKE_RATE)));
}

/** Profiles that played fewer titles than this get the popular titles of viewers like them. */
export const LITTLE_HISTORY = 5;
/** A title in the profile's own language counts this much more among its segment's popular titles. */
const OWN_LANGUAGE_PRIOR = 1.5;
/** A title whose genres hold all of the profile's genre affinity counts this much more (onboarding genres, first watches). */
const GENRE_PRIOR = 3;

/**
 * The cold-start prior on a popular title: the profile's language, and the genres it chose at
 * onboarding or watched first. Country and kids come in through the segment itself, the device
 * through the ranker's context features (runtime on a phone, on a TV).
 */
export function coldStartPrior(req: HomepageRequest, title: Title): number {
  const genreShare = Math.min(
    1,
    title.genres.reduce((sum, g) => sum + (req.signals.genreAffinity.get(g) ?? 0), 0),
  );
  return (title.language === req.profile.language ? OWN_LANGUAGE_PRIOR : 1) * (1 + GENRE_PRIOR * genreShare);
}

/**
 * For new and light viewers: popular among viewers of the same country and kind (kids or not).
 * A profile with onboarding answers gets them weighed by the cold-start prior, among three times
 * as many; without answers the segment's own order stays, the one the ranker trained on (logged
 * viewers have no answers), and an empty profile's page is ordered by the prior in ModelRanker.
 */
export function popularInSegmentSource(counters: PlayCounters): CandidateSourceProvider {
  return {
    source: 'POPULAR_IN_SEGMENT',
    candidates: (req, limit) => {
      if (req.signals.seen.size - req.signals.declared.size >= LITTLE_HISTORY) return [];
      const segment = PlayCounters.segmentKey(req.account.country, req.profile.isKids);
      if (!req.profile.onboarding) return fromCounter(req, counters.segments, segment, limit);
      return fromCounter(req, counters.segments, segment, limit * 3)
        .map((x) => ({ title: x.title, score: x.score * coldStartPrior(req, x.title) }))
        .sort((a, b) => descending(a.score, b.score) || (a.title.id < b.title.id ? -1 : 1))
        .slice(0, limit);
    },
  };
}

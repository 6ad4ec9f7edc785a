import type { Title } from '../../graph/types';
import { allowedFor } from '../../graph/types';
import type { CandidateSourceProvider, HomepageRequest } from './candidates';

/**
 * First-generation sources built from popularity and metadata alone. The ALS/HNSW, graph and
 * trending sources replace or join these; each keeps the maturity limit itself.
 */

const allowed = (req: HomepageRequest) => (t: Title) =>
  allowedFor(req.profile.maturityLimit, t.maturityTier) && !req.signals.completed.has(t.id);

export const continueWatching: CandidateSourceProvider = {
  source: 'CONTINUE_WATCHING',
  candidates(req, limit) {
    const ok = (t: Title) => allowedFor(req.profile.maturityLimit, t.maturityTier);
    return req.signals.inProgress
      .map((w) => ({ title: req.catalog.get(w.titleId), w }))
      .filter((x): x is { title: Title; w: typeof x.w } => x.title !== undefined && ok(x.title))
      .slice(0, limit)
      .map(({ title, w }) => ({ title, score: w.lastAt / 1e12 }));
  },
};

export const popular: CandidateSourceProvider = {
  source: 'POPULAR',
  candidates(req, limit) {
    return req.catalog.mostPopular(req.profile.maturityLimit, allowed(req), limit)
      .map((title) => ({ title, score: req.catalog.popularity(title.id) }));
  },
};

/** Popular titles in the genres the profile has been watching, weighted by its affinity. */
export const genreAffinity: CandidateSourceProvider = {
  source: 'GENRE_AFFINITY',
  candidates(req, limit) {
    const { genreAffinity: affinity } = req.signals;
    if (affinity.size === 0) return [];
    const ok = allowed(req);
    const scored = req.catalog
      .mostPopular(req.profile.maturityLimit, (t) => ok(t) && !req.signals.seen.has(t.id) && t.genres.some((g) => affinity.has(g)), limit * 4)
      .map((title) => ({
        title,
        score: title.genres.reduce((s, g) => s + (affinity.get(g) ?? 0), 0) * Math.log1p(req.catalog.popularity(title.id)),
      }));
    return scored.sort((a, b) => b.score - a.score).slice(0, limit);
  },
};

export const newReleases: CandidateSourceProvider = {
  source: 'NEW_RELEASES',
  candidates(req, limit) {
    const ok = allowed(req);
    return req.catalog.newest(req.profile.maturityLimit, (t) => ok(t) && t.addedAt <= req.context.now, limit)
      .map((title) => ({ title, score: title.addedAt / 1e12 }));
  },
};

export const acclaimed: CandidateSourceProvider = {
  source: 'ACCLAIMED',
  candidates(req, limit) {
    const ok = allowed(req);
    return req.catalog.bestReviewed(req.profile.maturityLimit, (t) => ok(t) && t.criticScore! >= 75, limit)
      .map((title) => ({ title, score: title.criticScore! }));
  },
};

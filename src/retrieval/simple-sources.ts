import type { Title } from '../domain/types';
import { proposable, visibleTo } from '../pipeline/candidates';
import { type CandidateSourceProvider } from '../pipeline/stages';

/** Sources that need no model: what the profile is in the middle of, the newest and the acclaimed titles. */

export const continueWatching: CandidateSourceProvider = {
  source: 'CONTINUE_WATCHING',
  candidates(req, limit) {
    const ok = visibleTo(req);
    return req.signals.inProgress
      .map((w) => ({ title: req.catalog.get(w.titleId), w }))
      .filter((x): x is { title: Title; w: typeof x.w } => x.title !== undefined && ok(x.title))
      .slice(0, limit)
      .map(({ title, w }) => ({ title, score: w.lastAt / 1e12 }));
  },
};

export const newReleases: CandidateSourceProvider = {
  source: 'NEW_RELEASES',
  candidates(req, limit) {
    return req.catalog.newest(req.profile.maturityLimit, proposable(req), limit).map((title) => ({ title, score: title.addedAt / 1e12 }));
  },
};

export const acclaimed: CandidateSourceProvider = {
  source: 'ACCLAIMED',
  candidates(req, limit) {
    const ok = proposable(req);
    return req.catalog
      .bestReviewed(req.profile.maturityLimit, (t) => ok(t) && t.criticScore! >= 75, limit)
      .map((title) => ({ title, score: title.criticScore! }));
  },
};

import { createHash } from 'node:crypto';
import { allowedFor, type Title } from '../domain/types';
import type { TitleFeedback } from '../domain/title-feedback';
import { passesFilter } from '../domain/title-filter';
import { availableIn } from '../domain/availability';
import { proposable, type Candidate } from './candidates';
import type { HomepageRequest } from './request';

/**
 * The candidates as the viewer's choices and the running promotions shape them. My List titles join: no source proposes them
 * (a list is read by memory, like Continue Watching), so the ones retrieval did not find join
 * without a source, to be ranked like any other and placed in the My List row; titles above the
 * profile's limit, not yet released, or rejected by the viewer are left out, as everywhere. And
 * the licences of the account's country and the request's filter hold for every row, Continue Watching
 * and My List included. Promoted titles join the same way, if a source could have proposed them.
 */
export function withViewerChoices(req: HomepageRequest, candidates: readonly Candidate[]): Candidate[] {
  const found = new Set(candidates.map((c) => c.title.id));
  const all = [...candidates];
  const join = (id: string, may: (t: Title) => boolean) => {
    const title = req.catalog.get(id);
    if (!title || found.has(id) || !may(title)) return;
    all.push({ title, sources: new Map() });
    found.add(id);
  };
  for (const id of req.signals.myList)
    join(id, (t) => !req.signals.rejected.has(id) && t.addedAt <= req.context.now && allowedFor(req.profile.maturityLimit, t.maturityTier));
  // A promoted title is one the viewer could be offered anyway: everything a source checks holds.
  const offerable = proposable(req);
  for (const p of req.promotions ?? []) for (const id of p.titleIds) join(id, offerable);
  return all.filter((c) => availableIn(c.title, req.account.country, req.context.now) && passesFilter(req.filter, c.title));
}

/** A fingerprint of the profile's feedback: whatever control changes, on whichever replica, it changes. */
export function feedbackVersion(feedback: readonly TitleFeedback[]): string {
  return feedback.length === 0 ? '' : createHash('sha1').update(JSON.stringify(feedback)).digest('base64url');
}

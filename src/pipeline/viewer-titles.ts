import { createHash } from 'node:crypto';
import type { Title } from '../domain/types';
import type { TitleFeedback } from '../domain/title-feedback';
import { proposable, visibleTo, type Candidate } from './candidates';
import type { HomepageRequest } from './request';

/**
 * The candidates with what the viewer and the business add: My List titles no source proposed (a
 * list is read by memory, like Continue Watching) and the running promotions' titles, each
 * joining without a source, to be ranked like any other. A listed title joins if the viewer may
 * see it (its limit, its rejections, the licences of its account's country, the request's filter;
 * finished or not); a promoted one only if a source could have proposed it (`proposable`).
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
  const visible = visibleTo(req);
  for (const id of req.signals.myList) join(id, (t) => visible(t) && !req.signals.rejected.has(id));
  const offerable = proposable(req);
  for (const p of req.promotions ?? []) for (const id of p.titleIds) join(id, offerable);
  return all;
}

/** A fingerprint of the profile's feedback: whatever control changes, on whichever replica, it changes. */
export function feedbackVersion(feedback: readonly TitleFeedback[]): string {
  return feedback.length === 0 ? '' : createHash('sha1').update(JSON.stringify(feedback)).digest('base64url');
}

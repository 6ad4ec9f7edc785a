import { topGenres } from '../homepage/profile-signals';
import type { RankedCandidate } from '../ranking/ranker';
import type { HomepageRequest } from '../retrieval/candidates';
import { toItem, type RowBuilder, type RowPlan } from './row-builder';

const ROW_LENGTH = 20;
const regions = new Intl.DisplayNames(['en'], { type: 'region' });
const countryName = (code: string) => {
  try {
    return regions.of(code) ?? code;
  } catch {
    return code;
  }
};
const MIN_ROW_LENGTH = 4;
const GENRE_ROWS = 3;

/**
 * A fixed row order filled from the ranked candidates: Continue Watching, Top Picks, Trending,
 * the profile's top genres, New Releases, Critically Acclaimed. The page-construction issue
 * replaces it with scored, context-dependent row placement.
 */
export class SimpleRowBuilder implements RowBuilder {
  build(req: HomepageRequest, ranked: readonly RankedCandidate[]): RowPlan[] {
    const rows: RowPlan[] = [];
    const add = (row: RowPlan) => {
      if (row.items.length >= (row.kind === 'CONTINUE_WATCHING' ? 1 : MIN_ROW_LENGTH)) rows.push(row);
    };
    const inProgressOrder = new Map(req.signals.inProgress.map((w, i) => [w.titleId, i]));
    const resume = ranked.filter((c) => c.sources.has('CONTINUE_WATCHING'))
      .sort((a, b) => inProgressOrder.get(a.title.id)! - inProgressOrder.get(b.title.id)!);
    const fresh = ranked.filter((c) => !c.sources.has('CONTINUE_WATCHING'));
    add({
      id: 'continue-watching', kind: 'CONTINUE_WATCHING', displayTitle: `Continue Watching for ${req.profile.name}`,
      reason: 'Titles you started and have not finished, most recent first', items: resume.slice(0, ROW_LENGTH).map(toItem('CONTINUE_WATCHING', req)),
    });
    add({
      id: 'top-picks', kind: 'TOP_PICKS', displayTitle: `Top Picks for ${req.profile.name}`,
      reason: req.signals.genreAffinity.size > 0 ? 'The highest-ranked titles for your viewing so far' : 'The highest-ranked titles while we learn your taste',
      items: fresh.slice(0, ROW_LENGTH).map(toItem('TOP_PICKS', req)),
    });
    add({
      id: 'trending', kind: 'TRENDING', displayTitle: `Trending Now in ${countryName(req.context.country)}`,
      reason: 'Most played titles in your country over the last days', items: fresh.filter((c) => c.sources.has('TRENDING')).slice(0, ROW_LENGTH).map(toItem('TRENDING', req)),
    });
    for (const genre of this.genresFor(req, fresh)) {
      add({
        id: `genre:${genre}`, kind: 'GENRE', displayTitle: genre,
        reason: req.signals.genreAffinity.has(genre) ? `You often watch ${genre}` : `One of the most watched genres`,
        items: fresh.filter((c) => c.title.genres.includes(genre)).slice(0, ROW_LENGTH).map(toItem('GENRE', req, genre)),
      });
    }
    add({
      id: 'new-releases', kind: 'NEW_RELEASES', displayTitle: 'New Releases',
      reason: 'The most recent additions to the catalog', items: fresh.filter((c) => c.sources.has('NEW_RELEASES')).slice(0, ROW_LENGTH).map(toItem('NEW_RELEASES', req)),
    });
    add({
      id: 'critically-acclaimed', kind: 'CRITICALLY_ACCLAIMED', displayTitle: 'Critically Acclaimed',
      reason: 'Titles critics score 75 or more', items: fresh.filter((c) => c.sources.has('ACCLAIMED')).slice(0, ROW_LENGTH).map(toItem('CRITICALLY_ACCLAIMED', req)),
    });
    return rows;
  }

  /** The profile's favourite genres, topped up with the genres most common among its candidates. */
  private genresFor(req: HomepageRequest, fresh: readonly RankedCandidate[]): string[] {
    const picked = topGenres(req.signals, GENRE_ROWS);
    const counts = new Map<string, number>();
    for (const c of fresh) for (const g of c.title.genres) counts.set(g, (counts.get(g) ?? 0) + 1);
    const common = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([g]) => g);
    for (const g of common) if (picked.length < GENRE_ROWS && !picked.includes(g)) picked.push(g);
    return picked;
  }
}

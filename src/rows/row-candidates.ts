import { allowedFor, COMPLETED_PROGRESS, type SimilarEdge, type Title, type WatchState } from '../domain/types';
import { countryName, languageName } from '../shared/display-names';
import { topGenres } from '../pipeline/profile-signals';
import type { RankedCandidate } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import type { InterleavedPicks, RowKind } from '../pipeline/rows';
import { similarityReason } from '../similarity';
import { isWeekdayLunch, sessionStage } from './device-layout';
import { DAY_MS } from '../shared/time';
import { descending } from '../shared/compare';

/** A row the page could show: its heading, why, and every ranked title it may hold, best first. */
export interface RowCandidate {
  id: string;
  kind: RowKind;
  displayTitle: string;
  reason: string;
  pool: RankedCandidate[];
  itemReason(c: RankedCandidate): string;
  /** Multiplies the row type's prior for this one row (a genre the viewer is into right now). */
  boost?: number;
  /** The variant that placed a title (interleaved Top Picks only). */
  teamOf?: ReadonlyMap<string, string>;
}

/** A genre that is all of the last day's viewing doubles its row's prior: recent behaviour weighs heavily. */
const SESSION_GENRE_BOOST = 1;

/** A recent watch whose graph neighbours make a "Because You Watched" row. */
export interface Anchor {
  title: Title;
  watch: WatchState;
  neighbours: SimilarEdge[];
}

export const MAX_ANCHORS = 3;
/** A watch this recent and this engaged says what the viewer wants more of. */
const ANCHOR_DAYS = 45;
const ANCHOR_MIN_PROGRESS = 0.25;
const GENRE_ROWS = 4;
/** A profile with little history is offered more genres: which one it opens tells us its taste. */
const COLD_GENRE_ROWS = 7;
const LANGUAGE_ROWS = 2;
/** A language is a taste, not an accident, from this share of the profile's engaged watching. */
const MIN_LANGUAGE_SHARE = 0.08;
export const SHORT_MINUTES = 30;

/** A watch half a year old counts half: the taste a reason names is the profile's history, not its last session. */
const TASTE_HALF_LIFE_DAYS = 180;
/** A play below this is a sample, not a signal of taste (as in the profile's signals). */
const MIN_SIGNAL_PROGRESS = 0.05;
/** Half a title or more is watched in earnest. */
const EARNEST_PROGRESS = 0.5;
/** A genre is the profile's taste from this share of its engagement-weighted history... */
export const MIN_TASTE_SHARE = 0.05;
/** ...and with at least this many titles of it watched in earnest (or declared at onboarding). */
export const MIN_TASTE_TITLES = 2;

/** The recent, engaged watches to anchor "Because You Watched" rows on, newest first. */
export function anchorWatches(req: HomepageRequest): { title: Title; watch: WatchState }[] {
  const out: { title: Title; watch: WatchState }[] = [];
  for (const w of req.signals.recent) {
    if (out.length >= MAX_ANCHORS || req.context.now - w.lastAt > ANCHOR_DAYS * DAY_MS) break;
    const title = req.catalog.get(w.titleId);
    // A row is named after its anchor: a title above the profile's (possibly lowered) limit must not be named either.
    if (title && allowedFor(req.profile.maturityLimit, title.maturityTier) && (w.completed || w.progress >= ANCHOR_MIN_PROGRESS))
      out.push({ title, watch: w });
  }
  return out;
}

/** Every row this profile could get in this context, each with its ranked pool (utility order). */
export function rowCandidates(
  req: HomepageRequest,
  ranked: readonly RankedCandidate[],
  anchors: readonly Anchor[],
  picks?: InterleavedPicks,
): RowCandidate[] {
  const { profile, context, signals } = req;
  const taste = establishedTaste(req);
  const tasteNames = [...taste.keys()].slice(0, 2).join(' and ');
  // Titles the viewer reads by memory (resuming, its own list) have their own rows; the others offer something new.
  const listed = new Set(signals.myList);
  const notResumed = (c: RankedCandidate) => !c.sources.has('CONTINUE_WATCHING') && !listed.has(c.title.id);
  const fresh = ranked.filter(notResumed);
  const rows: RowCandidate[] = [continueWatching(req, ranked), myList(req, ranked)];
  rows.push({
    id: 'top-picks',
    kind: 'TOP_PICKS',
    displayTitle: `Top Picks for ${profile.name}`,
    reason: profile.personalizationOff
      ? 'Popular with viewers in your country right now: personalization is off for this profile'
      : taste.size > 0
        ? `The titles ranked highest for you in this moment, for your taste in ${tasteNames}`
        : signals.genreAffinity.size > 0
          ? 'The titles ranked highest for you in this moment'
          : 'The titles ranked highest while we learn your taste',
    pool: picks ? picks.order.filter(notResumed) : fresh,
    itemReason: (c) => tasteReason(req, taste, c),
    teamOf: picks?.teamOf,
  });
  for (const a of anchors) rows.push(becauseYouWatched(req, fresh, a));
  const trendRank = new Map(
    [...fresh]
      .filter((c) => c.sources.has('TRENDING'))
      .sort((a, b) => descending(a.sources.get('TRENDING')!, b.sources.get('TRENDING')!))
      .map((c, i) => [c.title.id, i + 1]),
  );
  const country = countryName(context.country);
  rows.push({
    id: 'trending',
    kind: 'TRENDING',
    displayTitle: `Trending Now in ${country}`,
    reason: `Most played in ${country} over the last days, weighed by how often viewers play them when shown`,
    pool: fresh.filter((c) => trendRank.has(c.title.id)),
    itemReason: (c) => `Trending #${trendRank.get(c.title.id)} in ${country}`,
  });
  rows.push({
    id: 'new-releases',
    kind: 'NEW_RELEASES',
    displayTitle: 'New Releases',
    reason: 'The newest additions to the catalog',
    pool: fresh.filter((c) => c.sources.has('NEW_RELEASES')),
    itemReason: (c) => `Added ${daysAgo(context.now - c.title.addedAt)}`,
  });
  for (const genre of genresFor(req, fresh)) {
    const watched = signals.genreAffinity.has(genre);
    rows.push({
      id: `genre:${genre}`,
      kind: 'GENRE',
      displayTitle: genre,
      reason: watched
        ? `${Math.round(signals.genreAffinity.get(genre)! * 100)}% of what you watch lately is ${genre}`
        : 'Among the genres most common in the titles picked for you',
      pool: fresh.filter((c) => c.title.genres.includes(genre)),
      itemReason: (c) => tasteReason(req, taste, c, genre),
      boost: 1 + SESSION_GENRE_BOOST * (signals.sessionGenres.get(genre) ?? 0),
    });
  }
  for (const row of languageRows(req, fresh)) rows.push(row);
  rows.push({
    id: 'critically-acclaimed',
    kind: 'CRITICALLY_ACCLAIMED',
    displayTitle: 'Critically Acclaimed',
    reason: 'Titles critics score 75 or more',
    pool: fresh.filter((c) => c.sources.has('ACCLAIMED')),
    itemReason: (c) => `Critics rate it ${c.title.criticScore}/100`,
  });
  if (context.device === 'PHONE') {
    const lunch = isWeekdayLunch(context);
    rows.push({
      id: 'short-picks',
      kind: 'SHORT_PICKS',
      displayTitle: lunch ? 'Quick Watches for Your Lunch Break' : 'Short Picks for Your Phone',
      reason: `Episodes and films of ${SHORT_MINUTES} minutes or less, because you are on a phone${lunch ? ' at lunchtime' : ''}`,
      pool: fresh.filter((c) => c.title.runtimeMinutes <= SHORT_MINUTES),
      itemReason: (c) => `${c.title.runtimeMinutes} min · ${tasteReason(req, taste, c)}`,
    });
  }
  return rows;
}

/** Titles in progress, most recently watched first: the one row a viewer reads by memory, not rank. */
function continueWatching(req: HomepageRequest, ranked: readonly RankedCandidate[]): RowCandidate {
  const order = new Map(req.signals.inProgress.map((w, i) => [w.titleId, i]));
  const progress = new Map(req.signals.inProgress.map((w) => [w.titleId, w.progress]));
  const arriving = sessionStage(req.context) === 'ARRIVING';
  return {
    id: 'continue-watching',
    kind: 'CONTINUE_WATCHING',
    displayTitle: `Continue Watching for ${req.profile.name}`,
    reason: arriving
      ? 'Pick up where you left off: most sessions start by resuming'
      : 'Titles you started and have not finished, most recent first',
    pool: ranked.filter((c) => order.has(c.title.id)).sort((a, b) => order.get(a.title.id)! - order.get(b.title.id)!),
    itemReason: (c) => `You are ${Math.round((progress.get(c.title.id) ?? 0) * 100)}% through`,
  };
}

/** The viewer's own list, most recently added first, read by memory like Continue Watching. */
function myList(req: HomepageRequest, ranked: readonly RankedCandidate[]): RowCandidate {
  const order = new Map(req.signals.myList.map((id, i) => [id, i]));
  return {
    id: 'my-list',
    kind: 'MY_LIST',
    displayTitle: 'My List',
    reason: 'Titles you added to your list, most recent first',
    pool: ranked.filter((c) => order.has(c.title.id)).sort((a, b) => order.get(a.title.id)! - order.get(b.title.id)!),
    itemReason: () => 'You added it to My List',
  };
}

function becauseYouWatched(req: HomepageRequest, fresh: readonly RankedCandidate[], a: Anchor): RowCandidate {
  const edges = new Map(a.neighbours.map((e) => [e.to, e]));
  const when = daysAgo(req.context.now - a.watch.lastAt);
  const liked = req.signals.liked.has(a.title.id);
  const picked = !liked && req.signals.declared.has(a.title.id);
  return {
    id: `because:${a.title.id}`,
    kind: 'BECAUSE_YOU_WATCHED',
    displayTitle: `Because You ${picked || liked ? 'Liked' : 'Watched'} ${a.title.name}`,
    reason: liked
      ? `Titles most like ${a.title.name}, which you rated thumbs up`
      : picked
        ? `Titles most like ${a.title.name}, which you picked when you set up your profile`
        : `Titles most like ${a.title.name}, which you ${a.watch.completed ? 'finished' : 'watched'} ${when}`,
    pool: fresh.filter((c) => edges.has(c.title.id) && c.title.id !== a.title.id),
    itemReason: (c) => similarityReason(a.title, c.title, edges.get(c.title.id)!.basis),
  };
}

/** The profile's favourite genres, topped up with the genres most common among its candidates. */
function genresFor(req: HomepageRequest, fresh: readonly RankedCandidate[]): string[] {
  const picked = topGenres(req.signals, GENRE_ROWS);
  const wanted = picked.length < 2 ? COLD_GENRE_ROWS : GENRE_ROWS;
  const counts = new Map<string, number>();
  for (const c of fresh.slice(0, 100)) for (const g of c.title.genres) counts.set(g, (counts.get(g) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([g]) => g);
  for (const g of common) if (picked.length < wanted && !picked.includes(g)) picked.push(g);
  return picked;
}

/** "Korean TV Shows", "Spanish Movies": languages other than the profile's own that it watches. */
function languageRows(req: HomepageRequest, fresh: readonly RankedCandidate[]): RowCandidate[] {
  const share = new Map<string, number>();
  let total = 0;
  for (const w of req.signals.recent) {
    const title = req.catalog.get(w.titleId);
    if (!title || (w.progress < ANCHOR_MIN_PROGRESS && !w.completed)) continue;
    share.set(title.language, (share.get(title.language) ?? 0) + 1);
    total++;
  }
  const languages = [...share]
    .filter(([lang, n]) => lang !== req.profile.language && n / total >= MIN_LANGUAGE_SHARE)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, LANGUAGE_ROWS);
  return languages.flatMap(([lang, n]) =>
    (['SERIES', 'MOVIE'] as const).map((kind): RowCandidate => {
      const name = `${languageName(lang)} ${kind === 'SERIES' ? 'TV Shows' : 'Movies'}`;
      return {
        id: `language:${lang}:${kind.toLowerCase()}`,
        kind: 'LANGUAGE',
        displayTitle: name,
        reason: `${Math.round((n / total) * 100)}% of what you watch is in ${languageName(lang)}`,
        pool: fresh.filter((c) => c.title.language === lang && c.title.kind === kind),
        itemReason: (c) => `${name.replace(/s$/, '')} from ${countryName(c.title.country)}`,
      };
    }),
  );
}

/**
 * The genres a reason may call the profile's taste, strongest first, with their share of its
 * history. Each watch counts by its engagement (its share of 90% progress, squared; a finished
 * title 1: a 35% play weighs 0.15 of a finished title) and its age (half after 180 days, not the ranker's month:
 * a reason speaks of the profile's history, the ranker of its moment); genres declared at
 * onboarding count as a finished title each. A genre is the profile's taste from 5% of that
 * weight and with two or more titles of it watched in earnest (half or more), or when declared.
 * So one short play in a genre far from the history, a 35% kids film on an adult profile,
 * changes no reason: it is neither a share nor a habit.
 */
export function establishedTaste(req: HomepageRequest): Map<string, number> {
  const { signals, context, catalog, profile } = req;
  const age = (at: number) => Math.pow(0.5, Math.max(0, context.now - at) / DAY_MS / TASTE_HALF_LIFE_DAYS);
  const weight = new Map<string, number>();
  const earnest = new Map<string, number>();
  const declared = new Set(profile.onboarding?.genres ?? []);
  let total = 0;
  const add = (g: string, w: number) => {
    weight.set(g, (weight.get(g) ?? 0) + w);
    total += w;
  };
  if (profile.onboarding) for (const g of declared) add(g, age(profile.onboarding.completedAt));
  for (const w of signals.recent) {
    const title = catalog.get(w.titleId);
    if (!title || title.genres.length === 0 || (!w.completed && w.progress < MIN_SIGNAL_PROGRESS)) continue;
    const engagement = w.completed ? 1 : Math.min(1, w.progress / COMPLETED_PROGRESS) ** 2;
    for (const g of title.genres) {
      add(g, (engagement * age(w.lastAt)) / title.genres.length);
      if (w.completed || w.progress >= EARNEST_PROGRESS) earnest.set(g, (earnest.get(g) ?? 0) + 1);
    }
  }
  const taste = [...weight]
    .map(([g, w]) => [g, total > 0 ? w / total : 0] as const)
    .filter(([g, share]) => share >= MIN_TASTE_SHARE && (declared.has(g) || (earnest.get(g) ?? 0) >= MIN_TASTE_TITLES))
    .sort((a, b) => descending(a[1], b[1]) || (a[0] < b[0] ? -1 : 1));
  return new Map(taste);
}

/** Why a title suits this profile, for rows ordered purely by the ranker: its genres of the profile's established taste first. */
export function tasteReason(req: HomepageRequest, taste: ReadonlyMap<string, number>, c: RankedCandidate, genre?: string): string {
  const liked = c.title.genres.filter((g) => g !== genre && taste.has(g)).sort((a, b) => descending(taste.get(a)!, taste.get(b)!));
  if (liked.length > 0) return `${genre ? `${genre} with ` : 'Matches your taste for '}${liked.slice(0, 2).join(' and ')}`;
  if (c.sources.has('CONTENT')) return 'Close to titles you watched recently';
  if (c.sources.has('ITEM_ITEM')) return 'Viewers of titles you watched went on to watch it';
  if (c.sources.has('COLLABORATIVE')) return 'Viewers with your taste play it';
  const plays = req.catalog.popularity(c.title.id);
  return plays > 0 ? `Popular right now: ${plays} recent plays` : 'Picked for variety';
}

function daysAgo(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
}

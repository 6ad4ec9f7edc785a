import type { Account, ImpressionEvent, PlaybackEvent, Profile, Title } from '../domain/types';
import { UNKNOWN_COUNTRY } from '../import/countries';
import { Rng } from '../shared/random';

/** Share of titles licensed regionally; the rest are licensed everywhere (originals, global deals). */
const REGIONAL_SHARE = 0.15;
/** A regional title's chance of being licensed in each country besides the one it was made in. */
const LICENSED_ELSEWHERE = 0.5;

/**
 * Licences for a catalog. Neither the generated catalog nor Netflix's CSV says where a title is
 * licensed (the CSV's countries are where it was produced), so they are drawn, independently of
 * anyone's viewing (a licence is a business deal, not a consequence of taste, and deriving it
 * from plays would leak the held-out plays into evaluation): REGIONAL_SHARE of the titles are
 * licensed in their production country and each other country of the population with chance
 * LICENSED_ELSEWHERE, the others everywhere. No licence has a window here; an import file or the
 * admin mutation sets those. A seeded stream of its own, so the catalog and the history drawn
 * with the same seed are the same as without licences.
 */
export function drawLicences(titles: readonly Title[], countries: readonly string[], seed: number): Title[] {
  const rng = new Rng(`availability:${seed}`);
  const population = [...new Set(countries)].sort();
  return titles.map((t) => {
    if (!rng.chance(REGIONAL_SHARE)) return t;
    const licensed = population.filter((c) => c === t.country || rng.chance(LICENSED_ELSEWHERE));
    if (t.country !== UNKNOWN_COUNTRY && !licensed.includes(t.country)) licensed.push(t.country);
    return { ...t, availability: { countries: licensed.sort() } };
  });
}

/** Anything a viewer did with a title: plays, impressions, ratings. */
type Event = Pick<PlaybackEvent | ImpressionEvent, 'profileId' | 'titleId'>;

/**
 * The events a viewer could have had: only of titles licensed in its account's country (the
 * history is simulated over the whole catalog first, then what the licences forbid is dropped, so
 * that the events of licensed titles stay exactly as drawn).
 */
export function withinLicences<E extends Event>(
  events: readonly E[],
  titles: readonly Title[],
  accounts: readonly Account[],
  profiles: readonly Profile[],
): E[] {
  const licences = new Map(titles.flatMap((t) => (t.availability?.countries ? [[t.id, new Set(t.availability.countries)] as const] : [])));
  if (licences.size === 0) return [...events];
  const countryOfAccount = new Map(accounts.map((a) => [a.id, a.country]));
  const countryOf = new Map(profiles.map((p) => [p.id, countryOfAccount.get(p.accountId)]));
  return events.filter((e) => {
    const licensed = licences.get(e.titleId);
    return !licensed || licensed.has(countryOf.get(e.profileId) ?? UNKNOWN_COUNTRY);
  });
}

import { ARTWORK_THEMES, DEVICES, type Account, type Profile } from '../domain/types';
import type { GeneratedCatalog } from './catalog';
import { Rng, WeightedSampler } from '../shared/random';
import { DAY_MS } from '../shared/time';
import type { ProfileTaste } from './truth';
import { COUNTRIES, GENRES, KIDS_GENRES, NAMES, TAGS } from './vocabulary';

export interface GeneratedPopulation {
  accounts: Account[];
  profiles: Profile[];
  tastes: Record<string, ProfileTaste>;
}

const PROFILES_PER_ACCOUNT = [0.25, 0.3, 0.22, 0.15, 0.08];
/** Hour-of-day shapes people fall into: evening viewers, lunch-and-evening, night owls, daytime. */
const HOUR_SHAPES: number[][] = [
  [1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 3, 5, 8, 10, 10, 7, 3],
  [1, 0, 0, 0, 0, 0, 1, 2, 2, 1, 1, 3, 6, 5, 1, 1, 1, 2, 4, 6, 7, 6, 4, 2],
  [5, 4, 3, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 5, 7, 8, 7],
  [0, 0, 0, 0, 0, 0, 1, 2, 4, 5, 5, 5, 5, 6, 6, 6, 5, 4, 3, 2, 2, 1, 1, 0],
];

/** People grouped by the language of their career, with a fame-weighted sampler per group. */
type PeoplePools = Map<string, { ids: string[]; sampler: WeightedSampler }>;

function peoplePools(catalog: GeneratedCatalog): PeoplePools {
  const pools: PeoplePools = new Map();
  for (const lang of new Set(catalog.people.map((p) => p.language))) {
    const members = catalog.people.filter((p) => p.language === lang);
    pools.set(lang, { ids: members.map((p) => p.id), sampler: new WeightedSampler(members.map((p) => p.fame)) });
  }
  return pools;
}

function makeTaste(rng: Rng, isKids: boolean, home: string, pools: PeoplePools): ProfileTaste {
  const genre = GENRES.map(() => rng.normal(-0.6, 0.35));
  const liked = isKids
    ? [...KIDS_GENRES, ...rng.sampleWeighted(['Comedy', 'Adventure', 'Fantasy', 'Music', 'Anime'], [3, 3, 2, 1, 1], 1)]
    : rng.sampleWeighted(
        [...GENRES],
        GENRES.map((g) => (KIDS_GENRES.has(g) ? 0.3 : 1)),
        rng.int(2, 4),
      );
  for (const g of liked) genre[GENRES.indexOf(g as (typeof GENRES)[number])] = rng.normal(1.2, 0.4);
  const country: Record<string, number> = { [home]: rng.normal(0.5, 0.2) };
  // Some viewers love another country's output (K-drama and anime fans, telenovela fans).
  for (const c of rng.sampleWeighted(
    COUNTRIES,
    COUNTRIES.map((x) => x.catalogWeight),
    rng.weightedIndex([4, 4, 2]),
  )) {
    country[c.code] = (country[c.code] ?? 0) + rng.normal(0.8, 0.3);
  }
  const people: Record<string, number> = {};
  // Favourite people come from the film industries the viewer already likes.
  const languages = ['en', ...Object.keys(country).map((code) => COUNTRIES.find((c) => c.code === code)!.language)];
  for (let n = rng.int(2, 6); n > 0; n--) {
    const pool = pools.get(rng.pick(languages)) ?? pools.get('en')!;
    people[pool.ids[pool.sampler.sample(rng)]] = rng.normal(0.9, 0.3);
  }
  const devices = DEVICES.map(() => rng.logNormal(0, 1));
  return {
    genre,
    tag: TAGS.map(() => rng.normal(0, 0.3)),
    country,
    people,
    theme: ARTWORK_THEMES.map(() => rng.normal(0, 0.5)),
    devices,
    hours: rng.pick(HOUR_SHAPES).map((w) => w * rng.logNormal(0, 0.3) + 0.05),
    activity: Math.min(2, rng.logNormal(Math.log(isKids ? 0.22 : 0.16), 0.6)),
    patience: rng.normal(0, 0.5),
  };
}

/** Builds accounts in weighted countries, 1 to 5 profiles each (about 15% kids), and their hidden tastes. */
export function generatePopulation(seed: number, accountCount: number, start: number, catalog: GeneratedCatalog): GeneratedPopulation {
  const rng = new Rng(`population:${seed}`);
  const accounts: Account[] = [];
  const profiles: Profile[] = [];
  const tastes: Record<string, ProfileTaste> = {};
  const homes = COUNTRIES.filter((c) => c.accountWeight > 0);
  const pools = peoplePools(catalog);
  for (let a = 0; a < accountCount; a++) {
    const home = rng.weighted(
      homes,
      homes.map((c) => c.accountWeight),
    );
    const account: Account = {
      id: `a${a + 1}`,
      country: home.code,
      timeZone: home.timeZone,
      createdAt: start - rng.int(1, 900) * DAY_MS,
    };
    accounts.push(account);
    const count = rng.weightedIndex(PROFILES_PER_ACCOUNT) + 1;
    const names = NAMES[home.language] ?? NAMES.en;
    for (let k = 0; k < count; k++) {
      // The account owner is never a kids profile; later ones are kids about 26% of the time (about 15% overall).
      const isKids = k > 0 && rng.chance(0.26);
      const profile: Profile = {
        id: `${account.id}-p${k + 1}`,
        accountId: account.id,
        name: isKids ? `Kids ${rng.pick(names.given)}` : rng.pick(names.given),
        isKids,
        maturityLimit: isKids ? rng.pick(['LITTLE_KIDS', 'OLDER_KIDS'] as const) : 'ADULTS',
        language: rng.chance(0.15) ? 'en' : home.language,
        createdAt: Math.min(start - DAY_MS, account.createdAt + k * rng.int(0, 30) * DAY_MS),
      };
      profiles.push(profile);
      tastes[profile.id] = makeTaste(rng.fork(profile.id), isKids, home.code, pools);
    }
  }
  return { accounts, profiles, tastes };
}

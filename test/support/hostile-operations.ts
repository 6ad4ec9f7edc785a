import type { Rng } from '../../src/shared/random';
import { Bare, jsonValue, literal, mutate } from './hostile-values';

// The API's operations with valid arguments, and the same with hostile ones: the fuzz's way into deep code.

/** An account the fuzz may act as: its profiles and a valid token. */
export interface FuzzAccount {
  id: string;
  profiles: string[];
  token: string;
}

/** What the generator knows of the world it attacks: real ids make mutated requests reach deep code. */
export interface FuzzFixture {
  accounts: FuzzAccount[];
  /** Profiles of accounts the fuzz never acts as. */
  foreignProfiles: string[];
  titles: { id: string; artworks: string[] }[];
  genres: string[];
  tokens: { partner: string[]; admin: string[]; expired: string[]; otherSecret: string[]; unknownAccount: string[] };
}

/** A GraphQL request before it is put on the wire. */
export interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface Ctx {
  rng: Rng;
  fx: FuzzFixture;
  /** Whose profiles count as the caller's own. */
  account: FuzzAccount;
}

interface Op {
  kind: 'query' | 'mutation';
  /** The root field; `$name` marks where each argument goes. */
  text: string;
  args: Record<string, { type: string; good: (c: Ctx) => unknown }>;
}

export const own = (c: Ctx) => c.rng.pick(c.account.profiles);
export const title = (c: Ctx) => c.rng.pick(c.fx.titles);
const eventId = (c: Ctx) => `fz-${c.rng.int(0, 1e9)}`;
const TV = new Bare('TV');

const playback = (c: Ctx) => ({ eventId: eventId(c), profileId: own(c), titleId: title(c).id, progress: c.rng.float(), device: TV });
function impression(c: Ctx) {
  const t = title(c);
  return {
    eventId: eventId(c),
    profileId: own(c),
    titleId: t.id,
    artworkId: c.rng.pick(t.artworks),
    requestId: 'fz-request',
    rowIndex: c.rng.int(0, 9),
    position: c.rng.int(0, 24),
    device: TV,
    experiments: [{ experimentId: 'fz-exp', variant: 'a' }],
  };
}
const newTitle = (c: Ctx) => ({
  externalId: `fz-${c.rng.int(0, 1e9)}`,
  name: 'Fuzz',
  kind: new Bare('MOVIE'),
  genres: [c.rng.pick(c.fx.genres)],
  cast: ['Someone'],
  country: 'KR',
  language: 'ko',
  releaseYear: 2020,
  maturityRating: 'TV-14',
  maturityTier: new Bare('TEENS'),
  runtimeMinutes: 100,
  artworkThemes: [new Bare('DARK')],
});

/** Every root field, with an argument list a valid client would send. */
const OPS: Op[] = [
  {
    kind: 'query',
    text: 'homepage(profileId: $profileId, context: $context) { requestId rows { id kind items { position title { id } artwork { url } } } }',
    args: {
      profileId: { type: 'ID!', good: own },
      context: {
        type: 'ViewingContextInput',
        good: () => ({ device: TV, localTime: '2026-11-27T20:00', sessionSeconds: 60, country: 'US' }),
      },
    },
  },
  { kind: 'query', text: 'title(id: $id) { id name genres artwork { id url } }', args: { id: { type: 'ID!', good: (c) => title(c).id } } },
  { kind: 'query', text: 'titles(ids: $ids) { id name }', args: { ids: { type: '[ID!]!', good: (c) => [title(c).id, title(c).id] } } },
  {
    kind: 'query',
    text: 'similarTitles(titleId: $titleId, limit: $limit, profileId: $profileId) { score reason title { id } }',
    args: {
      titleId: { type: 'ID!', good: (c) => title(c).id },
      limit: { type: 'Int!', good: () => 5 },
      profileId: { type: 'ID', good: own },
    },
  },
  {
    kind: 'query',
    text: 'profile(id: $id) { id account { id country } dataSummary { playbackEvents tasteVector } viewingHistory(first: $first) { eventId progress title { id } } }',
    args: { id: { type: 'ID!', good: own }, first: { type: 'Int!', good: () => 5 } },
  },
  {
    kind: 'query',
    text: 'profiles(first: $first, after: $after) { totalCount nodes { id } pageInfo { endCursor } }',
    args: {
      first: { type: 'Int!', good: () => 2 },
      after: { type: 'String', good: (c) => Buffer.from(`profile:${own(c)}`).toString('base64url') },
    },
  },
  {
    kind: 'mutation',
    text: 'recordPlayback(events: $events) { accepted duplicates ignored }',
    args: { events: { type: '[PlaybackEventInput!]!', good: (c) => [playback(c), playback(c)] } },
  },
  {
    kind: 'mutation',
    text: 'recordImpressions(events: $events) { accepted duplicates ignored }',
    args: { events: { type: '[ImpressionEventInput!]!', good: (c) => [impression(c)] } },
  },
  {
    kind: 'mutation',
    text: 'createProfile(input: $input) { id }',
    args: { input: { type: 'NewProfileInput!', good: (c) => ({ name: `Fuzz ${c.rng.int(0, 999)}`, isKids: false, language: 'en' }) } },
  },
  {
    kind: 'mutation',
    text: 'updateProfile(profileId: $profileId, input: $input) { id name }',
    args: {
      profileId: { type: 'ID!', good: own },
      input: { type: 'ProfileUpdateInput!', good: () => ({ maturityLimit: new Bare('ADULTS'), language: 'en' }) },
    },
  },
  {
    kind: 'mutation',
    text: 'completeOnboarding(profileId: $profileId, input: $input) { id }',
    args: {
      profileId: { type: 'ID!', good: own },
      input: { type: 'OnboardingInput!', good: (c) => ({ genres: [c.rng.pick(c.fx.genres)], titleIds: [title(c).id] }) },
    },
  },
  {
    kind: 'mutation',
    text: 'setPersonalization(profileId: $profileId, enabled: $enabled) { id personalization }',
    args: { profileId: { type: 'ID!', good: own }, enabled: { type: 'Boolean!', good: () => true } },
  },
  {
    kind: 'mutation',
    text: 'deleteViewingHistory(profileId: $profileId) { playbackEvents purge }',
    args: { profileId: { type: 'ID!', good: own } },
  },
  { kind: 'mutation', text: 'addTitle(input: $input) { id }', args: { input: { type: 'NewTitleInput!', good: newTitle } } },
];

const WRONG_TYPES = ['String', 'Int', 'ID', '[ID]', 'Boolean!', 'Foo', 'Homepage', 'ViewingContextInput', 'Int!!', '[[ID!]!]!'];

/**
 * One root field with arguments as a client would send them, then one to three of them made
 * hostile; inlined in the document or passed as variables (sometimes declared with a wrong type,
 * missing, or joined by variables nobody declared).
 */
export function mutatedArguments(c: Ctx, field?: string): GraphqlBody {
  const op = field ? OPS.find((o) => o.text.startsWith(`${field}(`))! : c.rng.pick(OPS);
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(op.args).map(([name, a]) => [name, a.good(c)]));
  const names = Object.keys(op.args);
  const mutations = c.rng.chance(0.1) ? 0 : c.rng.int(1, Math.min(3, names.length));
  for (let i = 0; i < mutations; i++) {
    const name = c.rng.pick(names);
    values[name] = mutate(c.rng, values[name]);
  }
  return render(c.rng, op, values);
}

function render(rng: Rng, op: Op, values: Record<string, unknown>): GraphqlBody {
  // Inlined literals of 10,000 items pass the token bound only as variables; both are tried.
  if (rng.chance(0.35)) {
    const text = op.text.replace(/\$(\w+)/g, (_, name: string) => literal(values[name]));
    return { query: `${op.kind} { ${text} }` };
  }
  const decls = Object.entries(op.args).map(([name, a]) => `$${name}: ${rng.chance(0.08) ? rng.pick(WRONG_TYPES) : a.type}`);
  const variables: Record<string, unknown> = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, jsonValue(v)]));
  if (rng.chance(0.05)) delete variables[rng.pick(Object.keys(variables))];
  if (rng.chance(0.05)) variables.undeclared = jsonValue(mutate(rng, null));
  return { query: `${op.kind} Fuzz(${decls.join(', ')}) { ${op.text} }`, variables, operationName: 'Fuzz' };
}

/** Writes at and past their bounds, and writes for other accounts' profiles. */
export function hostileWrites(c: Ctx): GraphqlBody {
  const impressions = c.rng.chance(0.4);
  const make = impressions ? impression : playback;
  const field = impressions ? 'recordImpressions' : 'recordPlayback';
  const type = impressions ? '[ImpressionEventInput!]!' : '[PlaybackEventInput!]!';
  const foreign = () => c.rng.pick(c.fx.foreignProfiles);
  let events: Record<string, unknown>[];
  switch (c.rng.int(0, 7)) {
    case 0:
      events = Array.from({ length: 501 }, () => make(c));
      break;
    case 1:
      events = Array.from({ length: c.rng.int(1, 5) }, () => ({ ...make(c), profileId: foreign() }));
      break;
    case 2:
      events = [make(c), { ...make(c), profileId: foreign() }, make(c)];
      break;
    case 3: {
      const e = make(c);
      events = [e, e, { ...e, progress: 0.9 }];
      break;
    }
    case 4:
      events = [{ ...make(c), eventId: 'e'.repeat(c.rng.pick([128, 129, 10_240])) }];
      break;
    case 5:
      events = [{ ...make(c), occurredAt: c.rng.pick(['2999-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2026-13-01T00:00:00Z', '']) }];
      break;
    case 6:
      events = impressions
        ? [{ ...impression(c), experiments: Array.from({ length: 11 }, (_, i) => ({ experimentId: `x${i % 2}`, variant: 'v' })) }]
        : [{ ...playback(c), profileId: 'zz-no-such-profile' }];
      break;
    default:
      events = Array.from({ length: c.rng.int(1, 500) }, () => make(c));
  }
  if (c.rng.chance(0.15)) return { query: `mutation { ${field}(events: ${literal(events)}) { accepted duplicates ignored } }` };
  return {
    query: `mutation($events: ${type}) { ${field}(events: $events) { accepted duplicates ignored } }`,
    variables: { events: jsonValue(events) },
  };
}

/** A valid document of one root field with the arguments a client would send, inlined. */
export function validDocument(c: Ctx): string {
  const op = c.rng.pick(OPS);
  const values = Object.fromEntries(Object.entries(op.args).map(([name, a]) => [name, a.good(c)]));
  return `${op.kind} { ${op.text.replace(/\$(\w+)/g, (_, name: string) => literal(values[name]))} }`;
}

/** A valid read that touches the caller's data, for requests whose point is their credentials or framing. */
export function plainRead(c: Ctx): GraphqlBody {
  return c.rng.pick<GraphqlBody>([
    { query: `{ title(id: "${title(c).id}") { id name } }` },
    { query: `{ profile(id: "${own(c)}") { id name } }` },
    { query: '{ profiles(first: 5) { nodes { id } } }' },
    { query: `{ similarTitles(titleId: "${title(c).id}", limit: 3) { title { id } } }` },
    { query: `{ homepage(profileId: "${own(c)}") { requestId } }` },
  ]);
}

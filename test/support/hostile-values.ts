import type { Rng } from '../../src/shared/random';

/** An enum value or any other bare GraphQL name (written without quotes when inlined). */
export class Bare {
  constructor(readonly name: string) {}
}

/** Text written into a GraphQL document as it is: literals JSON cannot carry (1e400, 99999…9). */
export class RawLiteral {
  constructor(readonly text: string) {}
}

/** Strings a client may put where an id, a name or a code belongs. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n',
  'x'.repeat(10_240),
  'a1-p1\u0000',
  '\u0000',
  '\u0001\u001f\u007f\u0085',
  'ñandú',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '👩‍👩‍👧‍👦',
  '\u202eevil',
  '\u200b',
  '\ud800',
  '\ufeffa1-p1',
  '%00',
  '../../etc/passwd',
  "a1-p1' OR 1=1 //",
  '"}) MATCH (n) DETACH DELETE n //',
  "t1'}) RETURN 1 UNION MATCH (n) RETURN n //",
  '`; CALL db.labels() //',
  '$..*',
  '$[?(@.id)]',
  '{"$gt": ""}',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  "'; DROP TABLE profiles; --",
  '${7*7}',
  '{{7*7}}',
  '\r\n{"level":60,"msg":"forged"}',
  '<script>alert(1)</script>',
  'a'.repeat(129),
  'a'.repeat(128),
];

/** Numbers (and things that are not numbers) for `first`, `limit`, `progress`, positions. */
export const HOSTILE_NUMBERS: readonly unknown[] = [
  0,
  -1,
  -0.5,
  1.5,
  -2147483648,
  2147483647,
  2147483648,
  1e9,
  1e308,
  -1e308,
  5e-324,
  1.0000001,
  '10',
  'NaN',
  'Infinity',
  true,
  null,
  new Bare('NaN'),
  new Bare('Infinity'),
  new RawLiteral('1e400'),
  new RawLiteral('-1e400'),
  new RawLiteral('9'.repeat(400)),
  new RawLiteral('0x10'),
];

/** Values of the wrong kind altogether: objects, lists, wrong enum values, nulls. */
export const HOSTILE_SHAPES: readonly unknown[] = [
  null,
  {},
  { id: 'a1-p1' },
  [],
  [null],
  ['a1-p1'],
  new Bare('TV'),
  new Bare('tv'),
  new Bare('SMARTWATCH'),
  new Bare('true'),
  'TV',
  false,
  // Parsed, so that __proto__ is a key of its own as a JSON body would carry it.
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
];

/** Any hostile scalar or shape. */
export function hostileValue(rng: Rng): unknown {
  const r = rng.float();
  if (r < 0.5) return rng.pick(HOSTILE_STRINGS);
  if (r < 0.8) return rng.pick(HOSTILE_NUMBERS);
  return rng.pick(HOSTILE_SHAPES);
}

/**
 * `value` with one part replaced by something hostile: a field dropped, nulled or unknown, an
 * element replaced, the list emptied or grown to 10,000 items, or the whole value swapped.
 */
export function mutate(rng: Rng, value: unknown): unknown {
  if (Array.isArray(value) && value.length > 0) {
    const r = rng.float();
    if (r < 0.1) return [];
    if (r < 0.2) return Array.from({ length: 10_000 }, (_, i) => value[i % value.length]);
    if (r < 0.25) return [...value, null];
    if (r < 0.35) return hostileValue(rng);
    const i = rng.int(0, value.length - 1);
    return value.map((v, j) => (j === i ? mutate(rng, v) : v));
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Bare) && !(value instanceof RawLiteral)) {
    const entries = Object.entries(value);
    const r = rng.float();
    if (entries.length === 0 || r < 0.1)
      return { ...value, [rng.pick(['unknownField', 'id', '__typename', 'profileId'])]: hostileValue(rng) };
    const [key, v] = rng.pick(entries);
    if (r < 0.25) return Object.fromEntries(entries.filter(([k]) => k !== key));
    if (r < 0.35) return { ...value, [key]: null };
    if (r < 0.4) return hostileValue(rng);
    return { ...value, [key]: mutate(rng, v) };
  }
  return hostileValue(rng);
}

/** `value` written as a GraphQL literal (for arguments inlined in the document). */
export function literal(value: unknown): string {
  if (value instanceof Bare) return value.name;
  if (value instanceof RawLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  return `{ ${Object.entries(value as object)
    .map(([k, v]) => `${k}: ${literal(v)}`)
    .join(', ')} }`;
}

/** `value` as JSON variables carry it: enum names as strings, raw literals as the strings they spell. */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Bare) return value.name;
  if (value instanceof RawLiteral) return value.text;
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/** Pieces of GraphQL syntax, valid and not, for documents of random tokens. */
// prettier-ignore
const SYNTAX = [
  '{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '=', '|', '&', '...', '.', ',', '#', '"', '"""', "'", '\\',
  'query', 'mutation', 'subscription', 'fragment', 'on', 'type', 'schema', 'extend', 'directive', 'input', 'enum',
  'homepage', 'profile', 'profiles', 'title', 'titles', 'similarTitles', 'recordPlayback', 'account', 'rows', 'items', 'id',
  '__typename', '__schema', '__type', 'null', 'true', 'false', 'TV', '0', '-1', '1e400', '0x1F', '"a1-p1"', '"t1"', '"\\u0000"',
  '"\\uD800"', '"unterminated', 'F', 'include', 'skip', 'if', '\u0000', '\u00a0', '\ufeff', '🙂', '\r\n', '\t',
];

/** A document of random GraphQL tokens and junk. */
export function tokenSoup(rng: Rng): string {
  const n = rng.int(1, 400);
  return Array.from({ length: n }, () => rng.pick(SYNTAX)).join(rng.chance(0.5) ? ' ' : '');
}

/** `text` damaged: cut short, a character dropped, swapped or inserted, or bytes made random. */
export function damage(rng: Rng, text: string): string {
  const at = rng.int(0, Math.max(0, text.length - 1));
  switch (rng.int(0, 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + rng.pick(SYNTAX) + text.slice(at);
    case 3:
      return text.slice(0, at) + String.fromCharCode(rng.int(0, 0xffff)) + text.slice(at + 1);
    default:
      return text.slice(at) + text.slice(0, at);
  }
}

/** Bytes that are not text: random, with invalid UTF-8 sequences. */
export function randomBytes(rng: Rng, n: number): Buffer {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = rng.int(0, 255);
  return bytes;
}

import { tierRank, type Title } from '../domain/types';
import { FEATURE_KINDS, FEATURE_WEIGHTS, featureKind, titleFeatures, type FeatureKind } from './title-features';

/** Kinds compared as sets; era is compared by release-year distance instead. */
const SET_KINDS = FEATURE_KINDS.filter((k) => k !== 'era');
const KIND_SLOT = new Map<FeatureKind, number>(SET_KINDS.map((k, i) => [k, i]));
const TOTAL_WEIGHT = FEATURE_KINDS.reduce((s, k) => s + FEATURE_WEIGHTS[k], 0);
/** Release years this far apart share nothing of an era. */
const ERA_SPAN_YEARS = 10;
/** Each maturity tier between two titles keeps this share of their similarity: kids' shows are poor neighbours of crime dramas. */
const AUDIENCE_DECAY = 0.6;
/** A film and a series are less alike than two films with the same metadata. */
const KIND_MISMATCH = 0.85;
/** Features rarer than this share of the catalog are always followed to find candidates. */
const RARE_SHARE = 0.1;
/** Common features are followed too while a title has fewer candidates than this. */
const MIN_CANDIDATES = 200;

/**
 * Title similarity from metadata. Per kind of feature (cast, genres, …) two titles are compared
 * by the cosine of their IDF-weighted feature sets, so sharing a rare feature (one director,
 * "Korean TV Shows") weighs more than sharing a common one ("Dramas"); the kinds are then
 * combined with FEATURE_WEIGHTS, so a title with twenty cast members cannot drown its genres.
 * Candidates are found through an inverted index; mutable, so addTitle needs no rebuild.
 */
export class ContentIndex {
  private readonly ids: string[] = [];
  private readonly positions = new Map<string, number>();
  private readonly features: string[][] = [];
  private readonly featureSets: Set<string>[] = [];
  private readonly titles: Title[] = [];
  private readonly postings = new Map<string, number[]>();
  /** Per kind slot then title: the norm of the title's weighted feature set of that kind. */
  private norms: Float64Array[] | null = null;
  private scratch: Float64Array | null = null;

  constructor(titles: Iterable<Title> = []) {
    for (const t of titles) this.add(t);
  }

  idAt(position: number): string {
    return this.ids[position];
  }

  positionOf(titleId: string): number | undefined {
    return this.positions.get(titleId);
  }

  add(title: Title): void {
    if (this.positions.has(title.id)) throw new Error(`title ${title.id} is already indexed`);
    const position = this.ids.length;
    this.ids.push(title.id);
    this.positions.set(title.id, position);
    this.titles.push(title);
    const keys = titleFeatures(title);
    this.features.push(keys);
    this.featureSets.push(new Set(keys));
    for (const key of keys) {
      const list = this.postings.get(key);
      if (list) list.push(position);
      else this.postings.set(key, [position]);
    }
    this.norms = null;
  }

  /** Inverse document frequency, ln(1 + N/df). */
  idf(key: string): number {
    return Math.log(1 + this.ids.length / Math.max(1, this.postings.get(key)?.length ?? 0));
  }

  /** Similarity in [0, 1] of an indexed title to every title it shares a feature with, by position. */
  similarities(titleId: string): Map<number, number> {
    const self = this.positions.get(titleId);
    if (self === undefined) throw new Error(`title ${titleId} is not indexed`);
    return this.score(this.titles[self], this.features[self], self);
  }

  /** The same for a title not (yet) in the index: a new title's neighbours before it is added. */
  similaritiesFor(title: Title): Map<number, number> {
    return this.score(title, titleFeatures(title), -1);
  }

  /** Features title `a` shares with indexed title `b`, most telling first, plus its era when close. */
  shared(a: string | Title, b: string): string[] {
    const ap = typeof a === 'string' ? this.positions.get(a)! : -1;
    const at = ap >= 0 ? this.titles[ap] : (a as Title);
    const mine = ap >= 0 ? this.featureSets[ap] : new Set(titleFeatures(at));
    const bp = this.positions.get(b)!;
    const bt = this.titles[bp];
    const keys = this.features[bp]
      .filter((k) => mine.has(k))
      .map((k) => ({ k, w: FEATURE_WEIGHTS[featureKind(k)] * this.idf(k) }))
      .sort((x, y) => y.w - x.w || (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
      .map((x) => x.k);
    const decade = (y: number) => Math.floor(y / 10) * 10;
    if (decade(at.releaseYear) === decade(bt.releaseYear) && Math.abs(at.releaseYear - bt.releaseYear) <= 5)
      keys.push(`era:${decade(bt.releaseYear)}s`);
    return keys;
  }

  private score(title: Title, keys: readonly string[], self: number): Map<number, number> {
    const n = this.ids.length;
    const norms = this.normsOf();
    // Dot products per kind slot and candidate, in one reused buffer: slot * n + candidate.
    if (!this.scratch || this.scratch.length !== SET_KINDS.length * n) this.scratch = new Float64Array(SET_KINDS.length * n);
    const dots = this.scratch;
    const selfNorms = new Float64Array(SET_KINDS.length);
    const byRarity = [...keys].sort((x, y) => (this.postings.get(x)?.length ?? 0) - (this.postings.get(y)?.length ?? 0));
    const seen = new Uint8Array(n);
    const candidates: number[] = [];
    const unfollowed: string[] = [];
    for (const key of byRarity) {
      const slot = KIND_SLOT.get(featureKind(key))!;
      const w2 = this.idf(key) ** 2;
      selfNorms[slot] += w2;
      const posting = this.postings.get(key) ?? [];
      // Following a feature half the catalog shares costs half the catalog per title; rare ones
      // find the real neighbours, and common ones still count for those found.
      if (posting.length > RARE_SHARE * n && candidates.length >= MIN_CANDIDATES) {
        unfollowed.push(key);
        continue;
      }
      for (const other of posting) {
        if (other === self) continue;
        if (!seen[other]) {
          seen[other] = 1;
          candidates.push(other);
        }
        dots[slot * n + other] += w2;
      }
    }
    for (const key of unfollowed) {
      const at = KIND_SLOT.get(featureKind(key))! * n;
      const w2 = this.idf(key) ** 2;
      for (const other of candidates) if (this.featureSets[other].has(key)) dots[at + other] += w2;
    }
    const out = new Map<number, number>();
    for (const other of candidates) {
      let sum = 0;
      for (let s = 0; s < SET_KINDS.length; s++) {
        const dot = dots[s * n + other];
        if (dot > 0) sum += (FEATURE_WEIGHTS[SET_KINDS[s]] * dot) / Math.sqrt(selfNorms[s] * norms[s][other]);
        dots[s * n + other] = 0;
      }
      const o = this.titles[other];
      sum += FEATURE_WEIGHTS.era * Math.max(0, 1 - Math.abs(o.releaseYear - title.releaseYear) / ERA_SPAN_YEARS);
      const audience = AUDIENCE_DECAY ** Math.abs(tierRank(o.maturityTier) - tierRank(title.maturityTier));
      out.set(other, (sum / TOTAL_WEIGHT) * audience * (o.kind === title.kind ? 1 : KIND_MISMATCH));
    }
    return out;
  }

  private normsOf(): Float64Array[] {
    if (this.norms && this.norms[0].length === this.ids.length) return this.norms;
    const idf = new Map([...this.postings.keys()].map((k) => [k, this.idf(k)]));
    this.norms = SET_KINDS.map(() => new Float64Array(this.ids.length));
    this.features.forEach((keys, i) => {
      for (const k of keys) this.norms![KIND_SLOT.get(featureKind(k))!][i] += idf.get(k)! ** 2;
    });
    return this.norms;
  }
}

import type { Title } from '../../graph/types';
import { FEATURE_WEIGHTS, featureKind, titleFeatures } from './title-features';

/**
 * An inverted index from metadata features to titles, scoring titles by the cosine of their
 * feature vectors. A feature's weight is its kind's weight times its inverse document frequency
 * ln(1 + N/df): sharing a rare feature (one director, "Korean TV Shows") weighs more than sharing
 * a common one ("Dramas", "United States"). Mutable: addTitle extends it without a rebuild.
 */
export class ContentIndex {
  private readonly ids: string[] = [];
  private readonly positions = new Map<string, number>();
  private readonly features: string[][] = [];
  private readonly postings = new Map<string, number[]>();
  private norms: Float64Array | null = null;

  constructor(titles: Iterable<Title> = []) {
    for (const t of titles) this.add(t);
  }

  get size(): number {
    return this.ids.length;
  }

  has(titleId: string): boolean {
    return this.positions.has(titleId);
  }

  idAt(position: number): string {
    return this.ids[position];
  }

  add(title: Title): void {
    if (this.positions.has(title.id)) throw new Error(`title ${title.id} is already indexed`);
    const position = this.ids.length;
    this.ids.push(title.id);
    this.positions.set(title.id, position);
    const keys = titleFeatures(title);
    this.features.push(keys);
    for (const key of keys) {
      const list = this.postings.get(key);
      if (list) list.push(position);
      else this.postings.set(key, [position]);
    }
    this.norms = null;
  }

  weight(key: string): number {
    const df = this.postings.get(key)?.length ?? 0;
    return FEATURE_WEIGHTS[featureKind(key)] * Math.log(1 + this.ids.length / Math.max(1, df));
  }

  /**
   * Cosine similarity of an indexed title to every other title sharing at least one feature,
   * by position. Accumulates over postings, so the cost is the summed length of its features'
   * posting lists, not the catalog size.
   */
  cosines(titleId: string, scratch?: Float64Array): Map<number, number> {
    const self = this.positions.get(titleId);
    if (self === undefined) throw new Error(`title ${titleId} is not indexed`);
    return this.score(this.features[self], self, scratch);
  }

  /** The same for a title not (yet) in the index: a new title's neighbours before it is added. */
  cosinesFor(title: Title): Map<number, number> {
    return this.score(titleFeatures(title), -1);
  }

  /** Features of `a` (an indexed id or a title) that indexed title `b` shares, most telling first. */
  shared(a: string | Title, b: string): string[] {
    const mine = new Set(typeof a === 'string' ? this.features[this.positions.get(a)!] : titleFeatures(a));
    return this.features[this.positions.get(b)!]
      .filter((k) => mine.has(k))
      .map((k) => ({ k, w: this.weight(k) }))
      .sort((x, y) => y.w - x.w || (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
      .map((x) => x.k);
  }

  private score(keys: readonly string[], self: number, scratch: Float64Array = new Float64Array(this.ids.length)): Map<number, number> {
    const norms = this.normsOf();
    let selfNorm = 0;
    const touched: number[] = [];
    for (const key of keys) {
      const w2 = this.weight(key) ** 2;
      selfNorm += w2;
      for (const other of this.postings.get(key) ?? []) {
        if (other === self) continue;
        if (scratch[other] === 0) touched.push(other);
        scratch[other] += w2;
      }
    }
    selfNorm = Math.sqrt(selfNorm);
    const out = new Map<number, number>();
    for (const other of touched) {
      out.set(other, scratch[other] / (selfNorm * norms[other]));
      scratch[other] = 0;
    }
    return out;
  }

  private normsOf(): Float64Array {
    if (this.norms && this.norms.length === this.ids.length) return this.norms;
    const weights = new Map<string, number>();
    for (const key of this.postings.keys()) weights.set(key, this.weight(key));
    this.norms = Float64Array.from(this.features, (keys) => Math.sqrt(keys.reduce((s, k) => s + weights.get(k)! ** 2, 0)));
    return this.norms;
  }
}

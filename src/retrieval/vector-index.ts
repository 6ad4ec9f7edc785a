import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';

/** label = row index of the title vector; score = inner product with the query. */
export interface Neighbour {
  label: number;
  score: number;
}

/**
 * Maximum-inner-product search over title vectors (three methods, like Gorse's ann.Index).
 * BruteForceIndex is the exact reference; approximate indexes are tested against it.
 */
export interface VectorIndex {
  readonly size: number;
  readonly dim: number;
  /**
   * The k labels with the highest inner product with `query`, best first (ties by label), only
   * among labels `accept` allows; the filter is applied inside the search, never by over-fetching
   * and dropping. May return fewer than k when fewer are allowed.
   */
  search(query: Float32Array, k: number, accept?: (label: number) => boolean): Neighbour[];
  /** Writes the index to a file (atomically: temp file + rename). */
  save(file: string): Promise<void>;
}

/** Best first, ties by label, so answers from different index types compare element by element. */
export function compareNeighbours(a: Neighbour, b: Neighbour): number {
  return b.score - a.score || a.label - b.label;
}

/** Rejects queries that would silently produce garbage (wrong length, NaN poisons every score). */
export function checkQuery(query: Float32Array, dim: number): void {
  if (query.length !== dim) throw new Error(`query has ${query.length} dimensions, index has ${dim}`);
  for (let j = 0; j < dim; j++) if (!Number.isFinite(query[j])) throw new Error(`query[${j}] is not finite`);
}

/**
 * Writes through a temp file in the same directory, fsyncs it, then renames, so a reader (or a
 * crash) never sees a half-written index; the temp file is removed if anything fails.
 */
export async function writeAtomically(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await write(tmp);
    const handle = await fs.open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

// File: "BFIX", version, n, dim as little-endian uint32, then n*dim little-endian float32.
const MAGIC = 0x58494642; // "BFIX" read as LE uint32
const VERSION = 1;
const HEADER_BYTES = 16;

/** Exact top-k by scanning every vector: the reference answer, and fine for small catalogs. */
export class BruteForceIndex implements VectorIndex {
  readonly size: number;

  /** `vectors` is row-major n*dim; it is kept, not copied (callers hand over trained factors). */
  constructor(
    readonly vectors: Float32Array,
    readonly dim: number,
  ) {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`dim must be a positive integer, got ${dim}`);
    if (vectors.length % dim !== 0) throw new Error(`${vectors.length} floats is not a whole number of ${dim}-d vectors`);
    this.size = vectors.length / dim;
  }

  search(query: Float32Array, k: number, accept?: (label: number) => boolean): Neighbour[] {
    checkQuery(query, this.dim);
    const want = Math.min(Math.floor(k), this.size);
    if (!(want > 0)) return [];
    const top = new TopK(want);
    const { vectors, dim } = this;
    for (let label = 0, o = 0; label < this.size; label++, o += dim) {
      if (accept && !accept(label)) continue;
      let s = 0;
      for (let j = 0; j < dim; j++) s += query[j] * vectors[o + j];
      top.offer(label, s);
    }
    return top.sorted();
  }

  async save(file: string): Promise<void> {
    if (os.endianness() !== 'LE') throw new Error('BruteForceIndex files are little-endian; big-endian hosts are unsupported');
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(MAGIC, 0);
    header.writeUInt32LE(VERSION, 4);
    header.writeUInt32LE(this.size, 8);
    header.writeUInt32LE(this.dim, 12);
    const body = Buffer.from(this.vectors.buffer, this.vectors.byteOffset, this.vectors.byteLength);
    await writeAtomically(file, (tmp) => fs.writeFile(tmp, Buffer.concat([header, body])));
  }

  /** Reads a file written by save; `dim`, when given, must match (a mismatch means the wrong model). */
  static async load(file: string, dim?: number): Promise<BruteForceIndex> {
    if (os.endianness() !== 'LE') throw new Error('BruteForceIndex files are little-endian; big-endian hosts are unsupported');
    const buf = await fs.readFile(file);
    if (buf.length < HEADER_BYTES || buf.readUInt32LE(0) !== MAGIC) throw new Error(`${file} is not a BruteForceIndex file`);
    if (buf.readUInt32LE(4) !== VERSION) throw new Error(`${file}: unsupported version ${buf.readUInt32LE(4)}`);
    const n = buf.readUInt32LE(8);
    const fileDim = buf.readUInt32LE(12);
    if (dim !== undefined && dim !== fileDim) throw new Error(`${file} holds ${fileDim}-d vectors, expected ${dim}`);
    if (buf.length !== HEADER_BYTES + n * fileDim * 4) throw new Error(`${file} is truncated or has trailing bytes`);
    // slice() copies into a fresh, 4-byte-aligned ArrayBuffer (Buffer pool offsets may be unaligned).
    const data = buf.buffer.slice(buf.byteOffset + HEADER_BYTES, buf.byteOffset + buf.length);
    return new BruteForceIndex(new Float32Array(data), fileDim);
  }
}

/** Bounded heap whose root is the worst kept neighbour: O(n log k) instead of sorting all n. */
class TopK {
  private readonly labels: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(private readonly k: number) {
    this.labels = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  offer(label: number, score: number): void {
    if (this.count < this.k) {
      this.labels[this.count] = label;
      this.scores[this.count] = score;
      this.up(this.count++);
    } else if (this.worse(0, score, label)) {
      this.labels[0] = label;
      this.scores[0] = score;
      this.down(0);
    }
  }

  sorted(): Neighbour[] {
    const out: Neighbour[] = [];
    for (let i = 0; i < this.count; i++) out.push({ label: this.labels[i], score: this.scores[i] });
    return out.sort(compareNeighbours);
  }

  /** Whether slot i ranks below (score, label); labels break ties so the result is total-ordered. */
  private worse(i: number, score: number, label: number): boolean {
    return this.scores[i] < score || (this.scores[i] === score && this.labels[i] > label);
  }

  private swap(i: number, j: number): void {
    [this.labels[i], this.labels[j]] = [this.labels[j], this.labels[i]];
    [this.scores[i], this.scores[j]] = [this.scores[j], this.scores[i]];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, this.scores[parent], this.labels[parent])) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      let worst = i;
      for (const c of [2 * i + 1, 2 * i + 2]) {
        if (c < this.count && this.worse(c, this.scores[worst], this.labels[worst])) worst = c;
      }
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }
}

import { transpose, type InteractionMatrix } from './als';

/**
 * What a history's entries are worth to an item→item model: 'binary' counts every title the
 * profile interacted with as 1 (the model was trained on a 0/1 matrix), 'strength' multiplies
 * each title's row by its interaction strength (implicit-feedback.ts; the model was trained on
 * those strengths).
 */
export type ItemInput = 'binary' | 'strength';

/**
 * A sparse item→item model: row i lists the titles a profile who watched title i is steered
 * towards (or, for negative weights, away from), with their weights, largest first (a fixed
 * number per row at most, never a title with itself). A profile's score for title j is Σ over
 * its history of strength(i)·weight(i, j). EASE, RP3beta and item-kNN all train into this one shape, so the
 * server holds one kind of model whichever was chosen.
 */
export interface ItemNeighbours {
  /** The model's titles; rows and colIdx index into this list. */
  titleIds: string[];
  /** CSR: row i's neighbours are at [rowPtr[i], rowPtr[i+1]), by weight descending, ties by index. */
  rowPtr: Int32Array;
  colIdx: Int32Array;
  weight: Float32Array;
  input: ItemInput;
}

/** A title and its model score. */
export interface ItemScore {
  titleId: string;
  score: number;
}

/** A watched title and how strongly (used as is for 'strength' models, as 1 for 'binary' ones). */
export interface HistoryEntry {
  titleId: string;
  strength: number;
}

/**
 * Serves an ItemNeighbours: scores for a history in time proportional to the history's length
 * times the neighbours per row (a few hundred titles × 200 neighbours is ~0.1 ms), not the
 * catalog's size. Not safe for re-entrant use (it keeps one scratch buffer), which a synchronous
 * call in Node never is.
 */
export class ItemItemModel {
  private readonly index: Map<string, number>;
  private readonly acc: Float64Array;
  private readonly touched: Int32Array;
  private readonly mark: Uint8Array;

  constructor(readonly neighbours: ItemNeighbours) {
    const n = neighbours.titleIds.length;
    if (neighbours.rowPtr.length !== n + 1) throw new Error(`rowPtr has ${neighbours.rowPtr.length} entries for ${n} titles`);
    this.index = new Map(neighbours.titleIds.map((id, i) => [id, i]));
    this.acc = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.mark = new Uint8Array(n);
  }

  get titleIds(): readonly string[] {
    return this.neighbours.titleIds;
  }

  /** Titles the model has a row for. */
  get size(): number {
    return this.neighbours.titleIds.length;
  }

  /** Stored (title, neighbour) weights. */
  get nonZeros(): number {
    return this.neighbours.colIdx.length;
  }

  /** Bytes of the typed arrays (the title ids come on top). */
  get bytes(): number {
    const n = this.neighbours;
    return n.rowPtr.byteLength + n.colIdx.byteLength + n.weight.byteLength;
  }

  /** The model's row of a title, or -1 if it has none. */
  indexOf(titleId: string): number {
    return this.index.get(titleId) ?? -1;
  }

  /**
   * The `limit` titles with the highest Σ strength·weight over the history (weight ties by the
   * model's title order), excluding nothing: the history's own titles may come back, the caller
   * filters. Titles the model does not know are ignored; only titles with a positive score return.
   */
  scores(history: readonly HistoryEntry[], limit = 100): ItemScore[] {
    const { rowPtr, colIdx, weight, titleIds, input } = this.neighbours;
    const { acc, touched, mark } = this;
    let count = 0;
    for (const h of history) {
      const i = this.index.get(h.titleId);
      if (i === undefined) continue;
      const s = input === 'binary' ? 1 : h.strength;
      if (!(s > 0)) continue;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const j = colIdx[p];
        if (mark[j] === 0) {
          mark[j] = 1;
          touched[count++] = j;
        }
        acc[j] += s * weight[p];
      }
    }
    const top = new Int32Array(Math.max(0, Math.min(limit, count)));
    const chosen = selectTop(acc, touched, count, top.length, -1, top);
    const out: ItemScore[] = [];
    for (let r = 0; r < chosen; r++) out.push({ titleId: titleIds[top[r]], score: acc[top[r]] });
    for (let r = 0; r < count; r++) {
      acc[touched[r]] = 0;
      mark[touched[r]] = 0;
    }
    return out;
  }

  /** Σ strength·weight over the history for each of the given titles (0 for any the model does not know): a ranker feature. */
  scoresFor(history: readonly HistoryEntry[], titleIds: readonly string[]): Float64Array {
    const all = new Float64Array(this.size);
    this.accumulate(
      history.map((h) => this.indexOf(h.titleId)),
      history.map((h) => h.strength),
      all,
    );
    return Float64Array.from(titleIds, (id) => {
      const j = this.index.get(id);
      return j === undefined ? 0 : all[j];
    });
  }

  /**
   * Adds the scores of a history given as model rows (negative rows are skipped) and strengths
   * into `out` (one entry per model title): the dense form evaluation ranks the whole catalog with.
   */
  accumulate(rows: ArrayLike<number>, strengths: ArrayLike<number>, out: Float64Array): void {
    const { rowPtr, colIdx, weight, input } = this.neighbours;
    for (let h = 0; h < rows.length; h++) {
      const i = rows[h];
      if (i < 0) continue;
      const s = input === 'binary' ? 1 : strengths[h];
      if (!(s > 0)) continue;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) out[colIdx[p]] += s * weight[p];
    }
  }
}

/**
 * Selects the `k` best of `values` at the given candidate indices (all indices when
 * `candidates` is null), skipping `skip` and anything not positive, into `out`, best first
 * (value descending, ties by index). Returns how many were chosen. A size-k min-heap: one pass,
 * most candidates rejected by a single comparison with the heap's worst.
 */
export function selectTop(
  values: Float64Array,
  candidates: Int32Array | null,
  count: number,
  k: number,
  skip: number,
  out: Int32Array,
): number {
  if (k <= 0) return 0;
  let size = 0;
  // `a` ranks below `b`: lower value, or the same value and a later index.
  const worse = (a: number, b: number) => values[a] < values[b] || (values[a] === values[b] && a > b);
  const siftDown = (from: number) => {
    let at = from;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= size) return;
      const r = l + 1;
      const c = r < size && worse(out[r], out[l]) ? r : l;
      if (!worse(out[c], out[at])) return;
      [out[c], out[at]] = [out[at], out[c]];
      at = c;
    }
  };
  for (let t = 0; t < count; t++) {
    const c = candidates === null ? t : candidates[t];
    const v = values[c];
    if (!(v > 0) || c === skip) continue;
    if (size < k) {
      let at = size++;
      out[at] = c;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(out[at], out[parent])) break;
        [out[at], out[parent]] = [out[parent], out[at]];
        at = parent;
      }
    } else if (worse(out[0], c)) {
      out[0] = c;
      siftDown(0);
    }
  }
  out.subarray(0, size).sort((a, b) => values[b] - values[a] || a - b);
  return size;
}

/** Collects rows of chosen neighbours, in row order, into an ItemNeighbours. */
export class NeighbourRows {
  private readonly rowPtr: Int32Array;
  private colIdx: Int32Array;
  private weight: Float32Array;
  private row = 0;
  /** Entries added to the current row so far. */
  private open = 0;

  constructor(
    private readonly titleIds: readonly string[],
    private readonly input: ItemInput,
    perRow: number,
  ) {
    this.rowPtr = new Int32Array(titleIds.length + 1);
    this.colIdx = new Int32Array(Math.max(1, titleIds.length * Math.min(perRow, titleIds.length)));
    this.weight = new Float32Array(this.colIdx.length);
  }

  /** Appends the next row: `chosen[0..count)` with their weights in `values`. */
  push(chosen: Int32Array, count: number, values: Float64Array): void {
    this.add(chosen, count, values);
    this.endRow();
  }

  /** Appends `chosen[0..count)` to the current row with weights `sign`·values (the row stays open). */
  add(chosen: Int32Array, count: number, values: Float64Array, sign = 1): void {
    const start = this.rowPtr[this.row] + this.open;
    if (start + count > this.colIdx.length) {
      const grown = Math.max(start + count, 2 * this.colIdx.length);
      const c = new Int32Array(grown);
      c.set(this.colIdx);
      const w = new Float32Array(grown);
      w.set(this.weight);
      [this.colIdx, this.weight] = [c, w];
    }
    for (let r = 0; r < count; r++) {
      this.colIdx[start + r] = chosen[r];
      this.weight[start + r] = sign * values[chosen[r]];
    }
    this.open += count;
  }

  endRow(): void {
    this.rowPtr[this.row + 1] = this.rowPtr[this.row] + this.open;
    this.row++;
    this.open = 0;
  }

  finish(): ItemNeighbours {
    if (this.row !== this.titleIds.length) throw new Error(`${this.row} rows pushed for ${this.titleIds.length} titles`);
    const nnz = this.rowPtr[this.row];
    return {
      titleIds: [...this.titleIds],
      rowPtr: this.rowPtr,
      colIdx: this.colIdx.slice(0, nnz),
      weight: this.weight.slice(0, nnz),
      input: this.input,
    };
  }
}

/** Keeps each row's first `k` neighbours (its k largest weights). */
export function truncateNeighbours(n: ItemNeighbours, k: number): ItemNeighbours {
  const rows = n.titleIds.length;
  const rowPtr = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) rowPtr[i + 1] = rowPtr[i] + Math.min(k, n.rowPtr[i + 1] - n.rowPtr[i]);
  const colIdx = new Int32Array(rowPtr[rows]);
  const weight = new Float32Array(rowPtr[rows]);
  for (let i = 0; i < rows; i++) {
    const len = rowPtr[i + 1] - rowPtr[i];
    colIdx.set(n.colIdx.subarray(n.rowPtr[i], n.rowPtr[i] + len), rowPtr[i]);
    weight.set(n.weight.subarray(n.rowPtr[i], n.rowPtr[i] + len), rowPtr[i]);
  }
  return { titleIds: n.titleIds, rowPtr, colIdx, weight, input: n.input };
}

/** Scales each row's weights to absolute values summing to 1 (the L1 norm; a row's order is unchanged). */
export function normalizeRows(n: ItemNeighbours): ItemNeighbours {
  const weight = new Float32Array(n.weight.length);
  for (let i = 0; i < n.titleIds.length; i++) {
    let sum = 0;
    for (let p = n.rowPtr[i]; p < n.rowPtr[i + 1]; p++) sum += Math.abs(n.weight[p]);
    for (let p = n.rowPtr[i]; p < n.rowPtr[i + 1]; p++) weight[p] = sum > 0 ? n.weight[p] / sum : 0;
  }
  return { ...n, weight };
}

/** The value each stored entry of the matrix stands for under an input mode. */
export function entryValues(m: InteractionMatrix, input: ItemInput): Float64Array {
  return input === 'binary' ? new Float64Array(m.strength.length).fill(1) : Float64Array.from(m.strength);
}

/**
 * Visits, for each column (title) a, the row Σ_u left[u,a]·right[u,·] of a product Lᵀ·R where
 * L and R share the sparsity of `m` and hold the values `left` and `right` (one per stored
 * entry of `m`). `visit` gets the dense accumulator and the list of columns touched, and must
 * not keep them. Costs Σ over profiles of (titles watched)², the item-based methods' one big loop.
 */
export function forEachItemRow(
  m: InteractionMatrix,
  left: Float64Array,
  right: Float64Array,
  visit: (a: number, acc: Float64Array, touched: Int32Array, count: number) => void,
): void {
  const t = transpose(m);
  // Position in m's value arrays of each entry of the transpose (t lists them column by column).
  const entryOf = new Int32Array(m.colIdx.length);
  const fill = t.rowPtr.slice(0, m.cols);
  for (let r = 0; r < m.rows; r++) for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) entryOf[fill[m.colIdx[p]]++] = p;
  const acc = new Float64Array(m.cols);
  const touched = new Int32Array(m.cols);
  const mark = new Uint8Array(m.cols);
  for (let a = 0; a < m.cols; a++) {
    let count = 0;
    for (let q = t.rowPtr[a]; q < t.rowPtr[a + 1]; q++) {
      const u = t.colIdx[q];
      const l = left[entryOf[q]];
      for (let p = m.rowPtr[u]; p < m.rowPtr[u + 1]; p++) {
        const b = m.colIdx[p];
        if (mark[b] === 0) {
          mark[b] = 1;
          touched[count++] = b;
        }
        acc[b] += l * right[p];
      }
    }
    visit(a, acc, touched, count);
    for (let r = 0; r < count; r++) {
      acc[touched[r]] = 0;
      mark[touched[r]] = 0;
    }
  }
}

export interface ItemKnnOptions {
  /** Neighbours kept per title. */
  neighbours: number;
  /** Cosine shrinkage: co-occurrence / (‖a‖·‖b‖ + shrink), damping similarities resting on few shared viewers. */
  shrink: number;
  input: ItemInput;
}

/** The evaluation's long-standing item-kNN: plain cosine of viewer sets, 100 neighbours. */
export const DEFAULT_ITEM_KNN: ItemKnnOptions = { neighbours: 100, shrink: 0, input: 'binary' };

/**
 * Item-kNN (Sarwar et al. 2001, Deshpande & Karypis 2004), one model per shrink value from a
 * single pass over the co-occurrences: cosine similarity of titles' viewer vectors (binary or
 * strengths), shrunk towards 0 when they rest on little evidence, each title keeping its
 * `neighbours` most similar.
 */
export function trainItemKnnGrid(
  m: InteractionMatrix,
  titleIds: readonly string[],
  shrinks: readonly number[],
  neighbours: number,
  input: ItemInput,
): ItemNeighbours[] {
  const v = entryValues(m, input);
  const norm = new Float64Array(m.cols);
  for (let p = 0; p < m.colIdx.length; p++) norm[m.colIdx[p]] += v[p] * v[p];
  for (let c = 0; c < m.cols; c++) norm[c] = Math.sqrt(norm[c]);
  const rows = shrinks.map(() => new NeighbourRows(titleIds, input, neighbours));
  const sims = new Float64Array(m.cols);
  const chosen = new Int32Array(neighbours);
  forEachItemRow(m, v, v, (a, acc, touched, count) => {
    shrinks.forEach((shrink, s) => {
      for (let r = 0; r < count; r++) {
        const b = touched[r];
        sims[b] = acc[b] / (norm[a] * norm[b] + shrink);
      }
      rows[s].push(chosen, selectTop(sims, touched, count, neighbours, a, chosen), sims);
    });
  });
  return rows.map((r) => r.finish());
}

export function trainItemKnn(m: InteractionMatrix, titleIds: readonly string[], o: ItemKnnOptions = DEFAULT_ITEM_KNN): ItemNeighbours {
  return trainItemKnnGrid(m, titleIds, [o.shrink], o.neighbours, o.input)[0];
}

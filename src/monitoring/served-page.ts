/** What one served item's impression is counted under. */
export interface ServedItem {
  titleId: string;
  /** Dimension keys: `row_kind=…`, `source=…` (each source that proposed it), `position=…`, `slot=…`, `artwork=…`. */
  keys: readonly string[];
  /** The ranker's p(click), when the trained ranker placed it. */
  pClick?: number;
}

/** Row position and item position in one number (an Int32): positions below 2^16, rows below 2^15, far above any page's. */
const POSITIONS = 65_536;
const ROWS = 32_768;
const slotOf = (rowIndex: number, position: number) => rowIndex * POSITIONS + position;

/**
 * The items of one served page, found by the row index and position an impression names. The
 * monitor keeps about 1,800 pages, and every page outlives many minor collections, so each is
 * promoted to the old generation: kept as a Map of 165 item objects with their key arrays it
 * was about 50 KB a page, most of what a homepage request left behind, and drove the major
 * collections that set the tail of the latency. Here a page is a few arrays: slots sorted for a
 * binary search, references to the titles' ids and to shared key sets, and p(click)s.
 */
export class ServedPage {
  private constructor(
    private readonly slots: Int32Array,
    private readonly titleIds: readonly string[],
    private readonly keySets: readonly (readonly string[])[],
    /** NaN where the ranker gave none. */
    private readonly pClicks: Float64Array,
  ) {}

  /** `items` in any order; `keys` must come from one KeySets, so that equal combinations share an array. */
  static of(items: readonly { rowIndex: number; position: number; item: ServedItem }[]): ServedPage {
    const sorted = [...items].sort((a, b) => slotOf(a.rowIndex, a.position) - slotOf(b.rowIndex, b.position));
    return new ServedPage(
      Int32Array.from(sorted, (s) => slotOf(s.rowIndex, s.position)),
      sorted.map((s) => s.item.titleId),
      sorted.map((s) => s.item.keys),
      Float64Array.from(sorted, (s) => s.item.pClick ?? Number.NaN),
    );
  }

  get size(): number {
    return this.slots.length;
  }

  item(rowIndex: number, position: number): ServedItem | undefined {
    // The event's own numbers (validated elsewhere, but a slot outside the range would alias another).
    if (!(
      Number.isInteger(rowIndex) &&
      Number.isInteger(position) &&
      rowIndex >= 0 &&
      rowIndex < ROWS &&
      position >= 0 &&
      position < POSITIONS
    ))
      return undefined;
    const slot = slotOf(rowIndex, position);
    let lo = 0;
    let hi = this.slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.slots[mid] < slot) lo = mid + 1;
      else if (this.slots[mid] > slot) hi = mid - 1;
      else {
        const pClick = this.pClicks[mid];
        return { titleId: this.titleIds[mid], keys: this.keySets[mid], ...(Number.isNaN(pClick) ? {} : { pClick }) };
      }
    }
    return undefined;
  }
}

type Node = { next: Map<string, Node>; keys?: readonly string[] };

/**
 * One shared array per combination of dimension keys: a few hundred combinations (row kind,
 * sources, position bucket, slot, artwork) cover every item of every page. Found by walking
 * the keys one by one, so that finding one allocates nothing.
 */
export class KeySets {
  private readonly root: Node = { next: new Map() };

  shared(keys: readonly string[]): readonly string[] {
    let node = this.root;
    for (const key of keys) {
      let next = node.next.get(key);
      if (!next) node.next.set(key, (next = { next: new Map() }));
      node = next;
    }
    return (node.keys ??= Object.freeze([...keys]));
  }
}

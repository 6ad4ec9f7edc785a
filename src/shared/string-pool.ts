/**
 * One string per distinct value. Each row JSON.parse reads is a new set of strings, so a log of
 * millions of events read back from disk holds a copy of its profile, title, artwork, device and
 * session ids per event; passed through one pool they are shared, as they were when generated
 * (about 270 bytes an impression becomes about 180; docs/SCALING.md).
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /**
   * Interns the row's string fields and the strings of its string arrays, in place, except the
   * fields named in `unique` (an event id repeats nowhere, so pooling it only costs).
   */
  internFields<T>(row: T, unique: ReadonlySet<string>): T {
    if (typeof row !== 'object' || row === null) return row;
    const fields = row as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (unique.has(key)) continue;
      const value = fields[key];
      if (typeof value === 'string') fields[key] = this.intern(value);
      else if (Array.isArray(value))
        for (let i = 0; i < value.length; i++) if (typeof value[i] === 'string') value[i] = this.intern(value[i]);
    }
    return row;
  }
}

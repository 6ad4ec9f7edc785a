import { promises as fs } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Availability, Title } from '../domain/types';
import { parseAvailability } from '../catalog/availability-service';
import { errorMessage } from '../shared/error-message';

/**
 * Licences a user provides for an import, overriding the derived ones (src/world/availability.ts):
 * a CSV with the header `title_id,countries,available_from,available_until`. `countries` holds
 * upper-case ISO 3166-1 alpha-2 codes separated by spaces, or `*` for every country; the dates are
 * ISO dates or times (`2027-01-31`), empty for an open end. One row per title; a row for a title
 * the import does not have is an error, not a silent no-op.
 */
export async function readAvailabilityFile(file: string): Promise<Map<string, Availability | null>> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the availability file ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new Error(`${file}: ${errorMessage(err)}`, { cause: err });
  }
  const licences = new Map<string, Availability | null>();
  rows.forEach((row, i) => {
    const where = `${file} row ${i + 2}`;
    const id = row.title_id;
    if (!id) throw new Error(`${where}: no title_id (the header must be title_id,countries,available_from,available_until)`);
    if (licences.has(id)) throw new Error(`${where}: a second row for title ${id}`);
    const date = (value: string | undefined, column: string) => {
      if (!value) return null;
      const at = new Date(value);
      if (Number.isNaN(at.getTime())) throw new Error(`${where}: ${column} is not a date: ${JSON.stringify(value)}`);
      return at;
    };
    const countries = (row.countries ?? '').trim();
    if (!countries) throw new Error(`${where}: countries is empty (list codes, or * for every country)`);
    try {
      const licence = parseAvailability(
        {
          countries: countries === '*' ? null : countries.split(/\s+/).filter(Boolean),
          from: date(row.available_from, 'available_from'),
          until: date(row.available_until, 'available_until'),
        },
        'row',
      );
      licences.set(id, Object.keys(licence).length === 0 ? null : licence);
    } catch (err) {
      throw new Error(`${where}: ${errorMessage(err)}`, { cause: err });
    }
  });
  return licences;
}

/** The titles with the file's licences in place of their own. */
export function withLicences(titles: readonly Title[], licences: ReadonlyMap<string, Availability | null>, file: string): Title[] {
  const known = new Set(titles.map((t) => t.id));
  const unknown = [...licences.keys()].filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`${file} names titles the import does not have: ${unknown.slice(0, 5).join(', ')}`);
  return titles.map((t) => {
    if (!licences.has(t.id)) return t;
    const { availability: _derived, ...rest } = t;
    const licence = licences.get(t.id);
    return licence ? { ...rest, availability: licence } : rest;
  });
}

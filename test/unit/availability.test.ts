import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { availableIn } from '../../src/domain/availability';
import { readAvailabilityFile, withLicences } from '../../src/import/availability-file';
import { smallWorld } from '../support/app-harness';

describe('licences', () => {
  const world = smallWorld();
  const countryOf = new Map(world.profiles.map((p) => [p.id, world.accounts.find((a) => a.id === p.accountId)!.country]));

  it('the generated world licenses some titles regionally, and holds no event a licence forbids', () => {
    const regional = world.titles.filter((t) => t.availability);
    expect(regional.length).toBeGreaterThan(world.titles.length * 0.05);
    expect(regional.length).toBeLessThan(world.titles.length * 0.3);
    for (const t of regional) expect(t.availability!.countries).toContain(t.country);
    const byId = new Map(world.titles.map((t) => [t.id, t]));
    const forbidden = [...world.playbacks, ...world.impressions].filter(
      (e) => !availableIn(byId.get(e.titleId)!, countryOf.get(e.profileId)!, e.occurredAt),
    );
    expect(forbidden).toEqual([]);
  });

  it('honours countries and the window', () => {
    const t = { ...world.titles[0], availability: { countries: ['KR', 'US'], from: 100, until: 200 } };
    expect([availableIn(t, 'US', 150), availableIn(t, 'DE', 150), availableIn(t, 'US', 99), availableIn(t, 'US', 200)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(availableIn({ ...t, availability: undefined }, 'DE', 0)).toBe(true);
  });

  it('an import file overrides licences, and names what is wrong with it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'licences-'));
    const file = path.join(dir, 'licences.csv');
    const [a, b] = world.titles;
    await fs.writeFile(file, `title_id,countries,available_from,available_until\n${a.id},US KR,2027-01-01,\n${b.id},*,,\n`);
    const licences = await readAvailabilityFile(file);
    const titles = withLicences([{ ...a }, { ...b, availability: { countries: ['JP'] } }], licences, file);
    expect(titles.map((t) => t.availability)).toEqual([{ countries: ['KR', 'US'], from: Date.parse('2027-01-01') }, undefined]);

    const bad = async (body: string) => {
      await fs.writeFile(file, `title_id,countries,available_from,available_until\n${body}\n`);
      return readAvailabilityFile(file).then(
        () => 'read',
        (err: Error) => err.message,
      );
    };
    expect(await bad(`${a.id},us,,`)).toMatch(/row 2: .*countries\[0\].*upper-case/);
    expect(await bad(`${a.id},,,`)).toMatch(/row 2: countries is empty/);
    expect(await bad(`${a.id},US,someday,`)).toMatch(/row 2: available_from is not a date/);
    expect(await bad(`${a.id},US,2027-02-01,2027-01-01`)).toMatch(/until.*after/);
    await fs.writeFile(file, `title_id,countries,available_from,available_until\nnope,US,,\n`);
    expect(() => withLicences(world.titles, new Map([['nope', null]]), file)).toThrow(/does not have: nope/);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTWORK_THEMES, FINISHED_PROGRESS } from '../../src/domain/types';
import { readDataset } from '../../graph/dataset-files';
import { readWorldTruth, writeWorld } from '../../src/world/files';
import { generateWorld } from '../../src/world/generate';
import { GENRES } from '../../src/world/vocabulary';
import { smallWorld } from '../support/app-harness';
import { personalPool } from '../../src/world/logging-policy';
import { Rng } from '../../src/shared/random';

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

describe('synthetic world', () => {
  const world = smallWorld();

  it('is deterministic for a seed and differs between seeds', () => {
    expect(digest(generateWorld('small', 7))).toBe(digest(world));
    expect(digest(generateWorld('small', 8).titles)).not.toBe(digest(world.titles));
  });

  it('has the catalog the issue describes', () => {
    const { titles } = world;
    expect(titles.length).toBe(500);
    expect(new Set(titles.flatMap((t) => t.genres)).size).toBeGreaterThanOrEqual(20);
    const kinds = new Set(titles.map((t) => t.kind));
    expect(kinds).toEqual(new Set(['MOVIE', 'SERIES']));
    for (const lang of ['ko', 'ja', 'es', 'hi', 'en']) expect(titles.some((t) => t.language === lang)).toBe(true);
    expect(new Set(titles.map((t) => t.country)).size).toBeGreaterThanOrEqual(15);
    for (const t of titles) {
      expect(t.artwork.length).toBeGreaterThanOrEqual(3);
      expect(t.artwork.length).toBeLessThanOrEqual(6);
      expect(new Set(t.artwork.map((a) => a.theme)).size).toBe(t.artwork.length);
      for (const a of t.artwork) expect(ARTWORK_THEMES).toContain(a.theme);
    }
    // People are shared: some appear in several titles.
    const appearances = new Map<string, number>();
    for (const t of titles) for (const p of [...t.cast, ...t.directors]) appearances.set(p.id, (appearances.get(p.id) ?? 0) + 1);
    expect(Math.max(...appearances.values())).toBeGreaterThanOrEqual(4);
  });

  it('has accounts with 1 to 5 profiles, about 15% kids', () => {
    const perAccount = new Map<string, number>();
    for (const p of world.profiles) perAccount.set(p.accountId, (perAccount.get(p.accountId) ?? 0) + 1);
    expect(Math.min(...perAccount.values())).toBe(1);
    expect(Math.max(...perAccount.values())).toBe(5);
    const kidsShare = world.profiles.filter((p) => p.isKids).length / world.profiles.length;
    expect(kidsShare).toBeGreaterThan(0.08);
    expect(kidsShare).toBeLessThan(0.25);
    expect(world.profiles.length).toBeGreaterThan(250);
    expect(world.profiles.length).toBeLessThan(400);
  });

  it('logs 60 days of sessions with uniformly random artwork', () => {
    const { start, end } = world.manifest;
    expect(end - start).toBe(60 * 86_400_000);
    for (const e of world.impressions) expect(e.occurredAt).toBeGreaterThanOrEqual(start - 86_400_000);
    const titles = new Map(world.titles.map((t) => [t.id, t]));
    // Position of the shown variant among the title's variants, normalised to 0..1: uniform has mean 0.5.
    const positions = world.impressions.map((e) => {
      const variants = titles.get(e.titleId)!.artwork;
      return variants.findIndex((a) => a.id === e.artworkId) / (variants.length - 1);
    });
    expect(positions.every((p) => p >= 0)).toBe(true);
    const mean = positions.reduce((a, b) => a + b, 0) / positions.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('generates behaviour from the hidden tastes', () => {
    // Plays concentrate in each profile's liked genres far more than impressions do.
    const titles = new Map(world.titles.map((t) => [t.id, t]));
    const likedShare = (events: { profileId: string; titleId: string }[]) => {
      let liked = 0;
      for (const e of events) {
        const taste = world.truth.profiles[e.profileId];
        const primary = GENRES.indexOf(titles.get(e.titleId)!.genres[0] as (typeof GENRES)[number]);
        if (taste.genre[primary] > 0.5) liked++;
      }
      return liked / events.length;
    };
    expect(likedShare(world.playbacks)).toBeGreaterThan(1.5 * likedShare(world.impressions));
    // Finishing is common but not universal; kids never play titles above their limit.
    const finished = world.playbacks.filter((p) => p.progress >= FINISHED_PROGRESS).length / world.playbacks.length;
    expect(finished).toBeGreaterThan(0.2);
    expect(finished).toBeLessThan(0.9);
    const kids = new Set(world.profiles.filter((p) => p.isKids).map((p) => p.id));
    for (const e of world.playbacks) if (kids.has(e.profileId)) expect(titles.get(e.titleId)!.maturityTier).toMatch(/KIDS/);
  });

  it('keeps the hidden truth out of the data a store loads', async () => {
    const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'world-')), 'w');
    await writeWorld(dir, world);
    const data = await readDataset(dir);
    expect(data).not.toHaveProperty('truth');
    expect(JSON.stringify(data.titles)).not.toMatch(/quality|buzz|artworkAppeal/);
    expect(data.playbacks).toEqual(world.playbacks);
    expect(data.impressions.length).toBe(world.impressions.length);
    expect((await readWorldTruth(dir)).profiles[world.profiles[0].id].genre).toHaveLength(GENRES.length);
  });

  it("cuts each profile's personal pool as a full sort of the noisy scores would, ties in catalog order", () => {
    const fullSort = (rng: Rng, members: number[], affinity: number[]) =>
      members
        .map((i) => ({ i, s: affinity[i] + rng.normal(0, 0.8) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 200)
        .map((x) => x.i);
    const picker = new Rng('pool-test');
    // Without noise, coarse affinities tie above, at and below the cut-off: catalog order decides.
    const noNoise = () => ({ normal: () => 0 }) as unknown as Rng;
    for (const n of [50, 200, 201, 5000]) {
      const members = Array.from({ length: n }, (_, k) => k * 2);
      const affinity = Array.from({ length: 2 * n }, () => Math.round(picker.float() * 4));
      expect(personalPool(new Rng(`p${n}`), members, affinity)).toEqual(fullSort(new Rng(`p${n}`), members, affinity));
      expect(personalPool(noNoise(), members, affinity)).toEqual(fullSort(noNoise(), members, affinity));
    }
    const tied = Array.from({ length: 600 }, (_, k) => k);
    expect(personalPool(noNoise(), tied, new Array(600).fill(1))).toEqual(tied.slice(0, 200));
  });
});

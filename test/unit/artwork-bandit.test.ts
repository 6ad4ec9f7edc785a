import { ArtworkCounters, statDeltas, type VariantCounts } from '../../graph/artwork-stats';
import type { Artwork, ArtworkTheme, ImpressionEvent, Title } from '../../src/domain/types';
import { logit, sampleBeta, sampleGamma } from '../../src/artwork/sampling';
import { choosePage, DEFAULT_PRIORS, themeAffinity, type TitleArms } from '../../src/artwork/thompson-policy';
import { Rng } from '../../src/shared/random';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function titleWith(id: string, themes: ArtworkTheme[]): Title {
  const artwork: Artwork[] = themes.map((theme, k) => ({ id: `${id}-a${k + 1}`, titleId: id, theme }));
  return { id, artwork } as Title;
}

/**
 * A profile's impressions under uniformly random artwork, as the world logs them: each title
 * shown once with a random variant, played with the probability `click` gives.
 */
function simulate(titles: Title[], click: (title: Title, theme: ArtworkTheme) => number, seed: string): ArtworkCounters {
  const rng = new Rng(seed);
  const byId = new Map(titles.map((t) => [t.id, t]));
  const counters = new ArtworkCounters();
  titles.forEach((title, i) => {
    const artwork = title.artwork[rng.int(0, title.artwork.length - 1)];
    const e = { eventId: `i${i}`, profileId: 'p', titleId: title.id, artworkId: artwork.id } as ImpressionEvent;
    counters.add(statDeltas([e], 'shown', (id) => byId.get(id)));
    if (rng.chance(click(title, artwork.theme))) counters.add(statDeltas([e], 'taken', (id) => byId.get(id)));
  });
  return counters;
}

const share = (picks: string[], id: string) => picks.filter((p) => p === id).length / picks.length;

describe('artwork bandit: sampling', () => {
  it('draws Beta and Gamma variates with the right means, for shapes above and below 1', () => {
    const rng = new Rng('beta');
    const mean = (f: () => number) => Array.from({ length: 20_000 }, f).reduce((s, x) => s + x, 0) / 20_000;
    expect(mean(() => sampleBeta(rng, 2, 8))).toBeCloseTo(0.2, 2);
    expect(mean(() => sampleBeta(rng, 150, 10))).toBeCloseTo(150 / 160, 2);
    expect(mean(() => sampleGamma(rng, 0.4))).toBeCloseTo(0.4, 1);
  });
});

describe('artwork bandit: the Thompson-sampling policy', () => {
  const themes: ArtworkTheme[] = ['ROMANCE', 'DARK', 'COMEDY'];

  it('learns a planted theme preference from random logs and shows that theme on a title it knows nothing of', () => {
    // Every title has the three themes in some order; the profile plays romance-dressed titles far more.
    const rng = new Rng('catalog');
    const titles = Array.from({ length: 3000 }, (_, i) =>
      titleWith(
        `t${i}`,
        [...themes].sort(() => rng.float() - 0.5),
      ),
    );
    const counters = simulate(titles, (_t, theme) => sigmoid(-2.5 + (theme === 'ROMANCE' ? 1 : 0)), 'planted');
    const mine = counters.themes.get('p')!;
    const romance = themeAffinity(mine.get('ROMANCE'), DEFAULT_PRIORS);
    expect(romance.mean).toBeGreaterThan(0.4);
    expect(romance.mean).toBeLessThan(1.2);
    for (const other of ['DARK', 'COMEDY'] as const) expect(themeAffinity(mine.get(other), DEFAULT_PRIORS).mean).toBeLessThan(0);

    const fresh = titleWith('new', ['DARK', 'ROMANCE', 'COMEDY']);
    const draws = new Rng('draws');
    const picks = Array.from({ length: 500 }, () => choosePage(mine, [{ title: fresh, stats: new Map() }], draws).get('new')!);
    expect(
      share(
        picks.map((p) => p.artwork.id),
        'new-a2',
      ),
    ).toBeGreaterThan(0.8);
    expect(picks.find((p) => p.artwork.id === 'new-a2')!.reason).toBe(
      'Shown with its romance artwork: you tend to play titles shown that way',
    );
    // A profile with no history has no preference: the same title is dressed every way.
    const neutral = Array.from(
      { length: 600 },
      () => choosePage(new Map(), [{ title: fresh, stats: new Map() }], draws).get('new')!.artwork.id,
    );
    for (const id of ['new-a1', 'new-a2', 'new-a3']) expect(share(neutral, id)).toBeGreaterThan(0.2);
  });

  it('does not mistake a taste for the genres that carry a theme for a taste for the theme', () => {
    // Crime titles (all with a dark variant) are played at 20% whatever they show; the rest at 4%.
    const crime = Array.from({ length: 6000 }, (_, i) => titleWith(`c${i}`, ['DARK', 'DRAMATIC', 'PORTRAIT']));
    const comedy = Array.from({ length: 6000 }, (_, i) => titleWith(`k${i}`, ['COMEDY', 'ENSEMBLE', 'PORTRAIT']));
    const counters = simulate([...crime, ...comedy], (t) => (t.id.startsWith('c') ? 0.2 : 0.04), 'confounded');
    const dark = counters.themes.get('p')!.get('DARK')!;
    // Naively, dark artwork "works": its take rate is far above the profile's overall one.
    const overall = [...counters.artwork.values()].reduce((s, c) => ({ shown: s.shown + c.shown, taken: s.taken + c.taken }), {
      shown: 0,
      taken: 0,
    });
    expect(logit(dark.taken / dark.shown) - logit(overall.taken / overall.shown)).toBeGreaterThan(0.3);
    // Within the same titles it does not, and the learned affinity stays near 0.
    expect(Math.abs(themeAffinity(dark, DEFAULT_PRIORS).mean)).toBeLessThan(0.15);
  });

  it('exploits the variant that takes best, still tries one it has never shown, and drops a poor one', () => {
    const title = titleWith('t', ['ACTION', 'SCENIC', 'PORTRAIT']);
    const stats = new Map<string, VariantCounts>([
      ['t-a1', { shown: 3000, taken: 390 }],
      ['t-a2', { shown: 3000, taken: 150 }],
    ]);
    const rng = new Rng('explore');
    const picks = Array.from({ length: 2000 }, () => choosePage(new Map(), [{ title, stats }], rng).get('t')!);
    const ids = picks.map((p) => p.artwork.id);
    expect(share(ids, 't-a1')).toBeGreaterThan(0.6);
    expect(share(ids, 't-a3')).toBeGreaterThan(0.03);
    expect(share(ids, 't-a2')).toBeLessThan(0.01);
    expect(picks.find((p) => p.artwork.id === 't-a1')!.reason).toBe('Shown with its action artwork: the look viewers play most often');
    expect(picks.find((p) => p.artwork.id === 't-a3')!.reason).toBe('Shown with its portrait artwork: trying a look we know less about');
  });

  it('dresses a page reproducibly from a seed, skipping titles without artwork', () => {
    const titles: TitleArms[] = [
      { title: titleWith('a', ['DARK', 'COMEDY']), stats: new Map() },
      { title: titleWith('b', ['SCENIC']), stats: new Map() },
      { title: titleWith('c', []), stats: new Map() },
    ];
    const first = choosePage(new Map(), titles, new Rng('seed'));
    expect([...first.keys()]).toEqual(['a', 'b']);
    expect(first.get('b')).toEqual({ artwork: titles[1].title.artwork[0], kind: 'only', reason: 'Shown with its only artwork' });
    const again = () => [...choosePage(new Map(), titles, new Rng('seed')).values()].map((c) => c.artwork.id);
    expect(again()).toEqual([...first.values()].map((c) => c.artwork.id));
  });
});

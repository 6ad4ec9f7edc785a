import { ARTWORK_THEMES, type Title } from '../domain/types';
import { DEVICE_LAYOUTS } from '../rows/device-layout';
import type { Rng } from '../shared/random';
import {
  affinity,
  clickProbability,
  contextFit,
  finishProbability,
  titleFacts,
  type TitleFacts,
  type ViewingMoment,
} from '../world/behaviour';
import type { ProfileTaste, TitleTruth } from '../world/truth';
import { BROWSE_ON_AFTER_PLAY, playProgress, satisfying } from '../world/viewing';
import type { ServedItem, ServedPage } from './served-page';

/**
 * How a simulated viewer looks at a served page: rows top to bottom, items left to right. The
 * device's first screen is seen whole; each further row is reached with ROW_SCROLL's chance of
 * scrolling on, and each title past a row's visible ones with ITEM_SCROLL's. What is on those
 * screens is an impression; a title is played with the world's click probability (taste, moment,
 * artwork theme and variant appeal, position), as the logged history was written.
 */
export const ROW_SCROLL = 0.8;
export const ITEM_SCROLL = 0.6;

/** A title looked at, where it was on the page. */
export interface Glance {
  item: ServedItem;
  rowIndex: number;
  rowKind: string;
}

export interface Play {
  glance: Glance;
  /** Where the play leaves the title (0..1), and where it was before. */
  progress: number;
  before: number;
  satisfied: boolean;
}

/** What the world knows of a title that behaviour reads, indexed once. */
export interface TitleWorld {
  title: Title;
  facts: TitleFacts;
  truth: TitleTruth;
}

/** A viewer's hidden state across sessions: its taste, and how far it is into each title. */
export interface ViewerState {
  taste: ProfileTaste;
  progress: Map<string, number>;
  /** Affinity per title, computed on first need (the catalog is scored lazily). */
  affinity: Map<string, number>;
}

/** The titles the viewer looks at, in the order it looks at them. */
export function glances(page: ServedPage, device: ViewingMoment['device'], rng: Rng): Glance[] {
  const layout = DEVICE_LAYOUTS[device];
  const out: Glance[] = [];
  for (const [r, row] of page.rows.entries()) {
    if (r >= layout.screenRows && !rng.chance(ROW_SCROLL)) break;
    for (const [p, item] of row.items.entries()) {
      if (p >= layout.visibleItems && !rng.chance(ITEM_SCROLL)) break;
      out.push({ item, rowIndex: r, rowKind: row.kind });
    }
  }
  return out;
}

/**
 * One session on a served page: what was visible (the screens the viewer scrolled through: its
 * impressions) and what it played. It weighs titles in reading order, attention falling with
 * each (the world's position term); after a play it goes on browsing only rarely, and what it
 * no longer weighs was still on screen. A title it is part-way through is likelier to be played
 * (it came to resume it).
 */
export function browse(
  page: ServedPage,
  moment: ViewingMoment,
  viewer: ViewerState,
  world: (titleId: string) => TitleWorld,
  rng: Rng,
): { seen: Glance[]; plays: Play[] } {
  const seen = glances(page, moment.device, rng);
  const plays: Play[] = [];
  let browsing = true;
  for (const [slot, glance] of seen.entries()) {
    if (!browsing) break;
    const { title, facts, truth } = world(glance.item.titleId);
    const variant = Math.max(
      0,
      title.artwork.findIndex((a) => a.id === glance.item.artworkId),
    );
    const titleAffinity = affinityOf(viewer, title.id, facts, truth);
    const before = viewer.progress.get(title.id);
    const fit = contextFit(facts, moment);
    const theme = viewer.taste.theme[ARTWORK_THEMES.indexOf(title.artwork[variant]?.theme ?? 'ENSEMBLE')];
    if (!rng.chance(clickProbability(titleAffinity + (before !== undefined ? 1 : 0), fit, theme, truth.artworkAppeal[variant] ?? 0, slot)))
      continue;
    const carriedOn = rng.chance(finishProbability(titleAffinity, fit, viewer.taste.patience));
    const progress = playProgress(rng, before ?? 0, carriedOn, facts.isMovie);
    plays.push({ glance, progress, before: before ?? 0, satisfied: satisfying(progress, carriedOn, facts.isMovie) });
    browsing = rng.chance(BROWSE_ON_AFTER_PLAY);
  }
  return { seen, plays };
}

function affinityOf(viewer: ViewerState, titleId: string, facts: TitleFacts, truth: TitleTruth): number {
  let a = viewer.affinity.get(titleId);
  if (a === undefined) viewer.affinity.set(titleId, (a = affinity(viewer.taste, facts, truth)));
  return a;
}

/** The world's view of each title, for `browse`. */
export function titleWorlds(titles: readonly Title[], truth: Record<string, TitleTruth>): Map<string, TitleWorld> {
  return new Map(titles.map((t) => [t.id, { title: t, facts: titleFacts(t), truth: truth[t.id] }]));
}

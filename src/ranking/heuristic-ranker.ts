import type { Title } from '../domain/types';
import type { ViewingContext } from '../pipeline/viewing-context';
import { sortByUtility, type Candidate, type RankedCandidate } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import type { Ranker } from '../pipeline/stages';

/**
 * How well a title's length suits the moment: phones and weekday lunch breaks favour short
 * things, a TV on a Friday or Saturday evening favours a film. Range about -0.3..0.2.
 */
export function contextFit(title: Title, ctx: ViewingContext): number {
  let fit = 0;
  if (ctx.device === 'PHONE') fit -= 0.3 * Math.min(1, Math.max(0, (title.runtimeMinutes - 45) / 90));
  const weekendEvening = (ctx.localWeekday === 4 || ctx.localWeekday === 5) && ctx.localHour >= 18;
  if (weekendEvening && ctx.device === 'TV' && title.kind === 'MOVIE') fit += 0.2;
  const lunch = ctx.localWeekday < 5 && ctx.localHour >= 11 && ctx.localHour <= 14;
  if (lunch && title.runtimeMinutes <= 30) fit += 0.1;
  return fit;
}

/** Inputs of the heuristic utility, all in 0..1 except `fit`. */
export interface HeuristicFeatures {
  popularity: number;
  genreMatch: number;
  critic: number;
  fit: number;
  inProgress: boolean;
}

export function heuristicUtility(f: HeuristicFeatures): number {
  return 0.45 * f.popularity + 0.35 * f.genreMatch + 0.1 * f.critic + f.fit + (f.inProgress ? 0.3 : 0);
}

/**
 * A transparent ranker without a model: the fallback when the trained ranker cannot run (its
 * ONNX session failed), so the homepage degrades instead of failing.
 */
export class HeuristicRanker implements Ranker {
  async rank(req: HomepageRequest, candidates: readonly Candidate[]): Promise<RankedCandidate[]> {
    let maxPlays = 1;
    for (const c of candidates) maxPlays = Math.max(maxPlays, req.catalog.popularity(c.title.id));
    const norm = Math.log1p(maxPlays);
    return sortByUtility(
      candidates.map((c) => ({
        ...c,
        utility: heuristicUtility({
          popularity: Math.log1p(req.catalog.popularity(c.title.id)) / norm,
          genreMatch: Math.min(
            1,
            c.title.genres.reduce((s, g) => s + (req.signals.genreAffinity.get(g) ?? 0), 0),
          ),
          critic: (c.title.criticScore ?? 50) / 100,
          fit: contextFit(c.title, req.context),
          inProgress: c.sources.has('CONTINUE_WATCHING'),
        }),
      })),
    );
  }
}

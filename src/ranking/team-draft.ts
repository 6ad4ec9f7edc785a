import type { RankedCandidate } from '../pipeline/candidates';
import type { InterleavedPicks } from '../pipeline/rows';

/**
 * Team-draft interleaving (Radlinski, Kurup & Joachims 2008, "How does clickthrough data reflect
 * retrieval quality?"): like captains picking teams, the ranker with fewer picks so far (a coin
 * decides ties) adds its best title not yet taken. Each of the first `length` titles is credited
 * to the ranker that picked it; the rest follow in the first ranker's order, credited to neither.
 */
export function teamDraft(
  a: { name: string; ranked: readonly RankedCandidate[] },
  b: { name: string; ranked: readonly RankedCandidate[] },
  length: number,
  /** Uniform in [0, 1): the coin for ties. */
  rng: { float(): number },
): InterleavedPicks {
  const order: RankedCandidate[] = [];
  const teamOf = new Map<string, string>();
  const next = [0, 0];
  const teams = [a, b];
  const picks = [0, 0];
  const firstFree = (t: number) => {
    const list = teams[t].ranked;
    while (next[t] < list.length && teamOf.has(list[next[t]].title.id)) next[t]++;
    return next[t] < list.length ? list[next[t]] : undefined;
  };
  while (order.length < length) {
    const preferred = picks[0] < picks[1] || (picks[0] === picks[1] && rng.float() < 0.5) ? 0 : 1;
    const team = firstFree(preferred) ? preferred : 1 - preferred;
    const pick = firstFree(team);
    if (!pick) break;
    teamOf.set(pick.title.id, teams[team].name);
    order.push(pick);
    picks[team]++;
  }
  for (const c of a.ranked) if (!teamOf.has(c.title.id)) order.push(c);
  return { order, teamOf };
}

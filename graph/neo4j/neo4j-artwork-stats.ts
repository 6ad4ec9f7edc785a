import type { ManagedTransaction } from 'neo4j-driver';
import { REWARD_WINDOW_MS, inCreditOrder, statDeltas, themeKey, type StatDeltas, type VariantCounts } from '../artwork-stats';
import { eventKey, type ImpressionEvent, type PlaybackEvent, type Title } from '../../src/domain/types';
import { artworkProps, themeStatsProps, toTitle } from './neo4j-records';

type Props = Record<string, unknown>;
/** What crediting reads of an impression. */
type CreditedImpression = Pick<ImpressionEvent, 'eventId' | 'profileId' | 'titleId' | 'artworkId'>;

/**
 * The artwork bandit's counters in the graph: `(:Title)-[:HAS_ARTWORK]->(:Artwork {shown, taken})`
 * and one `(:ThemeStats {key, profileId, theme, …})` node per (profile, theme), both updated in
 * the transaction that writes their events, by the same rules as the embedded store
 * (graph/artwork-stats.ts). A credited impression keeps the id of the play that credited it.
 */

/** Creates a title's Artwork nodes; shared by bulk load and addTitle. */
export const CREATE_ARTWORK = `
UNWIND $rows AS row
MATCH (t:Title {id: row.titleId})
CREATE (t)-[:HAS_ARTWORK]->(a:Artwork) SET a = row`;

/** Artwork node rows for titles, with their counters (zero when none are given). */
export function artworkRows(titles: readonly Title[], counts: (artworkId: string) => VariantCounts | undefined = () => undefined): Props[] {
  return titles.flatMap((t) => t.artwork.map((a, rank) => artworkProps(a, rank, counts(a.id) ?? { shown: 0, taken: 0 })));
}

/** Counts newly created impressions. */
export async function countImpressions(tx: ManagedTransaction, created: readonly ImpressionEvent[]): Promise<void> {
  if (created.length === 0) return;
  const titles = await titlesIn(
    tx,
    created.map((e) => e.titleId),
  );
  await writeDeltas(
    tx,
    statDeltas(created, 'shown', (id) => titles.get(id)),
  );
}

/**
 * Credits newly created plays. Must run after the plays' profiles are locked (recordPlayback
 * does that first): only playback writes set `creditedBy`, so what is read here stays true until commit.
 */
export async function creditPlays(tx: ManagedTransaction, created: readonly PlaybackEvent[]): Promise<void> {
  if (created.length === 0) return;
  const plays = inCreditOrder(created);
  const latest = await tx.run<{ playProfileId: string; playId: string; impression: CreditedImpression; credited: boolean }>(
    `UNWIND $plays AS play
     CALL (play) {
       MATCH (i:Impression {profileId: play.profileId, titleId: play.titleId})
       WHERE play.occurredAt - $window <= i.occurredAt <= play.occurredAt
       RETURN i ORDER BY i.occurredAt DESC, i.eventId DESC LIMIT 1
     }
     RETURN play.profileId AS playProfileId, play.eventId AS playId,
            i {.eventId, .profileId, .titleId, .artworkId} AS impression, i.creditedBy IS NOT NULL AS credited`,
    {
      plays: plays.map((p) => ({ eventId: p.eventId, profileId: p.profileId, titleId: p.titleId, occurredAt: p.occurredAt })),
      window: REWARD_WINDOW_MS,
    },
  );
  const found = new Map(
    latest.records.map((r) => [eventKey({ profileId: r.get('playProfileId'), eventId: r.get('playId') }), r.toObject()]),
  );
  const credits: { playId: string; impression: CreditedImpression }[] = [];
  const taken = new Set<string>();
  for (const play of plays) {
    const hit = found.get(eventKey(play));
    if (!hit || hit.credited || taken.has(eventKey(hit.impression))) continue;
    taken.add(eventKey(hit.impression));
    credits.push({ playId: play.eventId, impression: hit.impression });
  }
  if (credits.length === 0) return;
  await tx.run(
    `UNWIND $rows AS row MATCH (i:Impression {profileId: row.profileId, eventId: row.impressionId})
     SET i.creditedBy = row.playId`,
    { rows: credits.map((c) => ({ profileId: c.impression.profileId, impressionId: c.impression.eventId, playId: c.playId })) },
  );
  const shown = credits.map((c) => c.impression);
  const titles = await titlesIn(
    tx,
    shown.map((e) => e.titleId),
  );
  await writeDeltas(
    tx,
    statDeltas(shown, 'taken', (id) => titles.get(id)),
  );
}

async function titlesIn(tx: ManagedTransaction, ids: readonly string[]): Promise<Map<string, Title>> {
  const rows = await tx.run<{ t: Props }>('MATCH (t:Title) WHERE t.id IN $ids RETURN properties(t) AS t', { ids: [...new Set(ids)] });
  return new Map(rows.records.map((r) => [r.get('t').id as string, toTitle(r.get('t'))]));
}

/**
 * Adds deltas to the counters. Rows go in key order, Artwork before ThemeStats, so concurrent
 * writers lock in one order. `x = x + d` makes Cypher lock the node before reading it: no lost update.
 */
async function writeDeltas(tx: ManagedTransaction, d: StatDeltas): Promise<void> {
  const artwork = [...d.artwork].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, c]) => ({ id, ...c }));
  await tx.run(
    `UNWIND $rows AS row MATCH (a:Artwork {id: row.id})
     SET a.shown = a.shown + toInteger(row.shown), a.taken = a.taken + toInteger(row.taken)`,
    { rows: artwork },
  );
  const themes = [...d.themes.values()].sort((a, b) => (themeKey(a.profileId, a.theme) < themeKey(b.profileId, b.theme) ? -1 : 1));
  await tx.run(
    `UNWIND $rows AS row
     MERGE (s:ThemeStats {key: row.key})
     ON CREATE SET s.profileId = row.profileId, s.theme = row.theme, s.shown = 0, s.taken = 0, s.otherShown = 0, s.otherTaken = 0
     SET s.shown = s.shown + row.shown, s.taken = s.taken + row.taken,
         s.otherShown = s.otherShown + row.otherShown, s.otherTaken = s.otherTaken + row.otherTaken`,
    { rows: themes.map(themeStatsProps) },
  );
}

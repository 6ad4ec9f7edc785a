import type { Dataset } from '../../src/domain/dataset';
import { ArtworkLedger } from '../artwork-stats';
import type { LoadProgress } from '../store';
import type { SimilarEdge } from '../../src/domain/types';
import { watchStatesFrom } from '../../src/domain/watch-state';
import { firstOfEachEvent } from './first-of-each-event';
import type { CypherExecutor } from './cypher-executor';
import { feedbackProps } from './neo4j-feedback';
import { accountProps, impressionProps, playbackProps, profileProps, themeStatsProps, titleProps, watchProps } from './neo4j-records';
import { artworkRows, CREATE_ARTWORK } from './neo4j-artwork-stats';

/**
 * Rows per transaction. Transaction state lives on Neo4j's heap (capped by
 * dbms.memory.transaction.total.max), so steps that create many relationships per row take fewer.
 */
const BATCH = { titles: 2000, metadata: 500, similar_to: 10000, rows: 5000 };

/** Links titles (already created) to their metadata nodes; shared by bulk load and addTitle. */
export const LINK_TITLES = `
UNWIND $rows AS row
MATCH (t:Title {id: row.id})
FOREACH (g IN row.genres | MERGE (n:Genre {name: g}) CREATE (t)-[:IN_GENRE]->(n))
FOREACH (tag IN row.tags | MERGE (n:Tag {name: tag}) CREATE (t)-[:HAS_TAG]->(n))
FOREACH (c IN CASE WHEN row.country = 'XX' THEN [] ELSE [row.country] END |
  MERGE (n:Country {code: c}) CREATE (t)-[:FROM_COUNTRY]->(n))
FOREACH (l IN CASE WHEN row.language = 'xx' THEN [] ELSE [row.language] END |
  MERGE (n:Language {code: l}) CREATE (t)-[:IN_LANGUAGE]->(n))
FOREACH (i IN range(0, size(row.castIds) - 1) |
  MERGE (p:Person {id: row.castIds[i]}) ON CREATE SET p.name = row.castNames[i]
  CREATE (p)-[:ACTED_IN {billing: i}]->(t))
FOREACH (i IN range(0, size(row.directorIds) - 1) |
  MERGE (p:Person {id: row.directorIds[i]}) ON CREATE SET p.name = row.directorNames[i]
  CREATE (p)-[:DIRECTED]->(t))`;

export const CREATE_TITLES = 'UNWIND $rows AS row CREATE (t:Title) SET t = row';

export const CREATE_SIMILAR = `
UNWIND $edges AS e
MATCH (a:Title {id: e.from}), (b:Title {id: e.to})
CREATE (a)-[:SIMILAR_TO {score: e.score, basis: e.basis}]->(b)`;

type Step = {
  stage: string;
  cypher: string;
  batch?: number;
  rows: (d: Dataset, s: readonly SimilarEdge[], seed: ArtworkLedger) => readonly object[];
};
const STEPS: Step[] = [
  { stage: 'titles', cypher: CREATE_TITLES, batch: BATCH.titles, rows: (d) => sortedTitles(d).map(titleProps) },
  { stage: 'metadata', cypher: LINK_TITLES, batch: BATCH.metadata, rows: (d) => sortedTitles(d).map(titleProps) },
  {
    stage: 'artwork',
    cypher: CREATE_ARTWORK,
    batch: BATCH.titles,
    rows: (d, _s, seed) => artworkRows(sortedTitles(d), (id) => seed.counters.artwork.get(id)),
  },
  { stage: 'similar_to', cypher: CREATE_SIMILAR, batch: BATCH.similar_to, rows: (_d, s) => s },
  { stage: 'accounts', cypher: 'UNWIND $rows AS row CREATE (a:Account) SET a = row', rows: (d) => d.accounts.map(accountProps) },
  {
    stage: 'profiles',
    cypher: 'UNWIND $rows AS row MATCH (a:Account {id: row.accountId}) CREATE (a)-[:HAS_PROFILE]->(p:Profile) SET p = row',
    rows: (d) => d.profiles.map(profileProps),
  },
  {
    stage: 'playbacks',
    cypher: 'UNWIND $rows AS row CREATE (e:Playback) SET e = row',
    rows: (d) => firstOfEachEvent(d.playbacks).map(playbackProps),
  },
  {
    stage: 'watched',
    cypher: `UNWIND $rows AS row MATCH (p:Profile {id: row.profileId}), (t:Title {id: row.titleId})
             CREATE (p)-[w:WATCHED]->(t) SET w = row.props`,
    rows: (d) =>
      watchStatesFrom(firstOfEachEvent(d.playbacks)).map((w) => ({ profileId: w.profileId, titleId: w.titleId, props: watchProps(w) })),
  },
  {
    stage: 'impressions',
    cypher: 'UNWIND $rows AS row CREATE (e:Impression) SET e = row',
    rows: (d, _s, seed) =>
      firstOfEachEvent(d.impressions).map((e) => {
        const creditedBy = seed.creditOf(e);
        return creditedBy === undefined ? impressionProps(e) : { ...impressionProps(e), creditedBy };
      }),
  },
  {
    stage: 'feedback',
    cypher: 'UNWIND $rows AS row CREATE (f:Feedback) SET f = row',
    rows: (d) => (d.feedback ?? []).map(feedbackProps),
  },
  {
    stage: 'theme_stats',
    cypher: 'UNWIND $rows AS row CREATE (s:ThemeStats) SET s = row',
    rows: (_d, _s, seed) => seed.allThemes().map(themeStatsProps),
  },
];

/** The artwork bandit's counters over the logged events, as the embedded store derives them: the bandit starts warm. */
function seedLedger(d: Dataset): ArtworkLedger {
  const titles = new Map(d.titles.map((t) => [t.id, t]));
  const seed = new ArtworkLedger((id) => titles.get(id));
  seed.addImpressions(firstOfEachEvent(d.impressions));
  seed.creditPlays(firstOfEachEvent(d.playbacks));
  return seed;
}

function sortedTitles(d: Dataset) {
  return [...d.titles].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Writes a dataset in UNWIND batches, one transaction per batch, calling `afterBatch` (the
 * load's heartbeat) after each. Titles go in id order so a person's stored name is the one of their first
 * title, as in the embedded store.
 */
export async function bulkLoadNeo4j(
  cypher: CypherExecutor,
  data: Dataset,
  similarity: readonly SimilarEdge[],
  onProgress: LoadProgress | undefined,
  afterBatch: () => Promise<void>,
): Promise<void> {
  const seed = seedLedger(data);
  for (const step of STEPS) {
    const rows = step.rows(data, similarity, seed);
    onProgress?.(step.stage, 0, rows.length);
    const size = step.batch ?? BATCH.rows;
    for (let i = 0; i < rows.length; i += size) {
      const batch = rows.slice(i, i + size);
      await cypher.write(step.cypher, step.stage === 'similar_to' ? { edges: batch } : { rows: batch });
      await afterBatch();
      onProgress?.(step.stage, Math.min(rows.length, i + size), rows.length);
    }
  }
}

import type { CypherExecutor } from './cypher-executor';

/**
 * Uniqueness constraints (each also an index) and lookup indexes; all idempotent. The occurredAt
 * range indexes serve the "events since t" reads (training data, trending) without a label scan.
 */
const STATEMENTS = [
  'CREATE CONSTRAINT title_id IF NOT EXISTS FOR (n:Title) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT genre_name IF NOT EXISTS FOR (n:Genre) REQUIRE n.name IS UNIQUE',
  'CREATE CONSTRAINT tag_name IF NOT EXISTS FOR (n:Tag) REQUIRE n.name IS UNIQUE',
  'CREATE CONSTRAINT country_code IF NOT EXISTS FOR (n:Country) REQUIRE n.code IS UNIQUE',
  'CREATE CONSTRAINT language_code IF NOT EXISTS FOR (n:Language) REQUIRE n.code IS UNIQUE',
  'CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT profile_id IF NOT EXISTS FOR (n:Profile) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT playback_id IF NOT EXISTS FOR (n:Playback) REQUIRE n.eventId IS UNIQUE',
  'CREATE CONSTRAINT impression_id IF NOT EXISTS FOR (n:Impression) REQUIRE n.eventId IS UNIQUE',
  'CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (n:Meta) REQUIRE n.key IS UNIQUE',
  'CREATE CONSTRAINT artwork_id IF NOT EXISTS FOR (n:Artwork) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT theme_stats_key IF NOT EXISTS FOR (n:ThemeStats) REQUIRE n.key IS UNIQUE',
  'CREATE INDEX artwork_title IF NOT EXISTS FOR (n:Artwork) ON (n.titleId)',
  'CREATE INDEX theme_stats_profile IF NOT EXISTS FOR (n:ThemeStats) ON (n.profileId)',
  // Crediting a play looks up the (profile, title)'s impressions in the hour before it.
  'CREATE INDEX impression_profile_title IF NOT EXISTS FOR (n:Impression) ON (n.profileId, n.titleId)',
  'CREATE INDEX playback_profile IF NOT EXISTS FOR (n:Playback) ON (n.profileId)',
  'CREATE RANGE INDEX playback_time IF NOT EXISTS FOR (n:Playback) ON (n.occurredAt)',
  'CREATE INDEX impression_profile IF NOT EXISTS FOR (n:Impression) ON (n.profileId)',
  'CREATE RANGE INDEX impression_time IF NOT EXISTS FOR (n:Impression) ON (n.occurredAt)',
];

/** Creates constraints and indexes if missing and waits until they are online. */
export async function ensureSchema(cypher: CypherExecutor): Promise<void> {
  for (const statement of STATEMENTS) await cypher.autoCommit(statement);
  await cypher.autoCommit('CALL db.awaitIndexes(300)');
}

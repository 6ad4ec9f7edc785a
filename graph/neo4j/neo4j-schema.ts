import type { CypherExecutor } from './cypher-executor';

/**
 * Uniqueness constraints (each also an index) and lookup indexes; all idempotent. The occurredAt
 * range indexes serve the "events since t" reads (training data, trending) without a label scan.
 * An event is unique by (profileId, eventId), every event node carrying both properties: event ids
 * come from clients, and a constraint on the id alone let one account's event suppress another's.
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
  'CREATE CONSTRAINT playback_profile_event IF NOT EXISTS FOR (n:Playback) REQUIRE (n.profileId, n.eventId) IS UNIQUE',
  'CREATE CONSTRAINT impression_profile_event IF NOT EXISTS FOR (n:Impression) REQUIRE (n.profileId, n.eventId) IS UNIQUE',
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
  'CREATE CONSTRAINT experiment_id IF NOT EXISTS FOR (n:Experiment) REQUIRE n.id IS UNIQUE',
  // Creating an experiment MERGEs its lever's node to lock it: unique, so concurrent creates find one node.
  'CREATE CONSTRAINT experiment_layer_lever IF NOT EXISTS FOR (n:ExperimentLayer) REQUIRE n.lever IS UNIQUE',
  'CREATE CONSTRAINT exposure_key IF NOT EXISTS FOR (n:Exposure) REQUIRE (n.experimentId, n.profileId, n.day) IS UNIQUE',
  'CREATE INDEX exposure_experiment IF NOT EXISTS FOR (n:Exposure) ON (n.experimentId)',
  // Erasing a profile's history deletes its exposures.
  'CREATE INDEX exposure_profile IF NOT EXISTS FOR (n:Exposure) ON (n.profileId)',
  'CREATE CONSTRAINT promotion_id IF NOT EXISTS FOR (n:Promotion) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT feedback_profile_title IF NOT EXISTS FOR (n:Feedback) REQUIRE (n.profileId, n.titleId) IS UNIQUE',
  // Every homepage reads its profile's feedback; the pair's constraint does not serve a lookup by profile alone.
  'CREATE INDEX feedback_profile IF NOT EXISTS FOR (n:Feedback) ON (n.profileId)',
  'CREATE CONSTRAINT variant_timings_key IF NOT EXISTS FOR (n:VariantTimings) REQUIRE (n.experimentId, n.variant) IS UNIQUE',
  // Databases written before events were scoped to their profile: the (profileId, eventId)
  // constraints above already hold there (ids were globally unique), so the old ones are dropped
  // only after them, and the events stay constrained throughout.
  'DROP CONSTRAINT playback_id IF EXISTS',
  'DROP CONSTRAINT impression_id IF EXISTS',
];

/** Attempts per statement: each retry finds more of the other process's work done (IF [NOT] EXISTS). */
const SCHEMA_ATTEMPTS = 5;

/**
 * Errors of a schema statement racing the same statement of another process (two replicas starting
 * together): Neo4j reports a deadlock, or an "equivalent" rule that IF NOT EXISTS did not see yet.
 * The executor wraps transient errors, so the driver's code may be on the cause.
 */
function racedAnotherProcess(err: unknown): boolean {
  const { code, cause } = (err ?? {}) as { code?: string; cause?: { code?: string } };
  const codes = [code, cause?.code].filter((c): c is string => typeof c === 'string');
  return codes.some((c) => c.startsWith('Neo.TransientError.') || c === 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates constraints and indexes if missing, migrates older databases, and waits until every
 * index is online. Safe on every start, and with another process doing the same at once.
 */
export async function ensureSchema(cypher: CypherExecutor): Promise<void> {
  for (const statement of STATEMENTS) {
    for (let attempt = 1; ; attempt++) {
      try {
        await cypher.autoCommit(statement);
        break;
      } catch (err) {
        if (attempt >= SCHEMA_ATTEMPTS || !racedAnotherProcess(err)) throw err;
        // Random, so that two processes that collided do not collide again in step.
        await sleep(50 + Math.random() * 100 * attempt);
      }
    }
  }
  await cypher.autoCommit('CALL db.awaitIndexes(300)');
}

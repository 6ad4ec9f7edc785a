import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { errorMessage } from '../../src/shared/error-message';
import type { Dataset } from '../../src/domain/dataset';
import { DuplicateTitleError } from '../errors';
import type { ArtworkStat, ThemeStat } from '../artwork-stats';
import type { Experiment, ExperimentStatus, ExposureRecord, VariantTimings } from '../../src/domain/experiment';
import type { LoadProgress, Person, ProfilePage, RecentPlay, Store, StoreReadiness, ViewerState } from '../store';
import {
  tierRank,
  type ErasedHistory,
  type ImpressionEvent,
  type MaturityTier,
  type PlaybackEvent,
  type Profile,
  type RecordOutcome,
  type SimilarEdge,
  type StoredProfileData,
  type Title,
  type Availability,
} from '../../src/domain/types';
import { int, type CypherExecutor } from './cypher-executor';
import { bulkLoadNeo4j, CREATE_SIMILAR, CREATE_TITLES, LINK_TITLES } from './neo4j-bulk-load';
import { availabilityProps, titleProps, toAccount, toImpression, toPlayback, toProfile, toTitle, toWatchState } from './neo4j-records';
import { isConstraintViolation, Neo4jEventWriter } from './neo4j-event-writer';
import { claimLoad, completeLoad, heartbeat } from './load-claim';
import { ensureSchema } from './neo4j-schema';
import { Neo4jProfiles } from './neo4j-profiles';
import { Neo4jExperiments } from './neo4j-experiments';
import { Neo4jFeedback, toFeedback } from './neo4j-feedback';
import { Neo4jPromotions } from './neo4j-promotions';
import type { Promotion } from '../../src/domain/promotion';
import type { FeedbackChange, TitleFeedback } from '../../src/domain/title-feedback';
import { NotFoundError } from '../../src/domain/errors';
import { artworkRows, CREATE_ARTWORK } from './neo4j-artwork-stats';

type Props = Record<string, unknown>;
const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * Resamples the indexes and drops cached plans after a bulk load. The planner otherwise keeps
 * the plans it made from the statistics of the empty database until Neo4j resamples on its own
 * minutes later: right after loading the default world, Neo4j spent about 7 ms of CPU on each
 * viewer read, 1.7–1.9 ms once replanned and warm. Best effort, after the load is marked
 * complete: without the admin right the procedure needs, on a version without it, or past its
 * wait (seconds), the statistics catch up on their own as they did before this step. On a
 * cluster it replans the member it runs on.
 */
async function replanWithNewStatistics(cypher: CypherExecutor): Promise<void> {
  await cypher.autoCommit('CALL db.prepareForReplanning(300)').catch(() => undefined);
}

/**
 * The production store: the catalog as a graph (titles linked to genres, people, countries,
 * languages, tags and, by SIMILAR_TO, to each other), profiles with WATCHED relationships, and
 * events as nodes unique by (profileId, eventId). Answers are ordered exactly like the embedded store's.
 */
export class Neo4jStore implements Store {
  private readonly events: Neo4jEventWriter;
  private readonly profiles: Neo4jProfiles;
  private readonly experiments: Neo4jExperiments;
  private readonly feedback: Neo4jFeedback;
  private readonly promotions: Neo4jPromotions;
  /**
   * For what takes as long as the data is large, and runs at start or offline rather than for a
   * request: schema changes, bulk loads and whole-history reads. Everything else is bounded.
   */
  private readonly long: CypherExecutor;

  private constructor(
    private readonly cypher: CypherExecutor,
    private readonly onClose: () => Promise<void>,
  ) {
    this.events = new Neo4jEventWriter(cypher);
    this.profiles = new Neo4jProfiles(cypher);
    this.experiments = new Neo4jExperiments(cypher);
    this.feedback = new Neo4jFeedback(cypher);
    this.promotions = new Neo4jPromotions(cypher);
    this.long = cypher.unbounded();
  }

  /** Creates constraints and indexes if missing, migrating older databases; `onClose` releases the driver. */
  static async open(cypher: CypherExecutor, onClose: () => Promise<void> = async () => {}): Promise<Neo4jStore> {
    try {
      await ensureSchema(cypher.unbounded());
    } catch (err) {
      await onClose();
      throw err;
    }
    return new Neo4jStore(cypher, onClose);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.cypher.read('MATCH (m:Meta {key: "dataset"}) RETURN m.key')).length === 0;
  }

  async bulkLoad(data: Dataset, similarity: readonly SimilarEdge[], onProgress?: LoadProgress): Promise<void> {
    const owner = randomUUID();
    await claimLoad(this.long, owner);
    await bulkLoadNeo4j(this.long, data, similarity, onProgress, () => heartbeat(this.long, owner));
    await completeLoad(this.long, owner, JSON.stringify(data.manifest));
    await replanWithNewStatistics(this.long);
  }

  async close(): Promise<void> {
    await this.onClose();
  }

  async readiness(): Promise<StoreReadiness> {
    try {
      await this.cypher.read('RETURN 1');
      return { ready: true };
    } catch (err) {
      return { ready: false, reason: errorMessage(err) };
    }
  }

  async listTitles(): Promise<Title[]> {
    const rows = await this.long.read<{ t: Props }>('MATCH (t:Title) RETURN properties(t) AS t');
    return byId(rows.map((r) => toTitle(r.t)));
  }

  async getTitles(ids: readonly string[]): Promise<(Title | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.cypher.read<{ t: Props }>('MATCH (t:Title) WHERE t.id IN $ids RETURN properties(t) AS t', { ids });
    const found = new Map(rows.map((r) => [r.t.id as string, toTitle(r.t)]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async getPeople(ids: readonly string[]): Promise<(Person | null)[]> {
    const rows = await this.cypher.read<{ id: string; name: string; titleIds: string[] }>(
      `MATCH (p:Person) WHERE p.id IN $ids
       OPTIONAL MATCH (p)-[:ACTED_IN|DIRECTED]->(t:Title)
       WITH p, t ORDER BY t.id
       RETURN p.id AS id, p.name AS name, collect(DISTINCT t.id) AS titleIds`,
      { ids },
    );
    const found = new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, titleIds: r.titleIds.sort() }]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async listGenres(): Promise<string[]> {
    const rows = await this.cypher.read<{ name: string }>('MATCH (g:Genre) WHERE (g)<-[:IN_GENRE]-() RETURN g.name AS name');
    return rows.map((r) => r.name).sort();
  }

  async addTitle(title: Title, edges: readonly SimilarEdge[]): Promise<void> {
    try {
      await this.cypher.writeTx(async (tx) => {
        const existing = await tx.run('MATCH (t:Title {id: $id}) RETURN properties(t) AS t', { id: title.id });
        if (existing.records.length > 0) {
          // The driver re-runs a transaction whose commit it could not confirm: finding exactly
          // this title means an earlier attempt committed, which is success, not a duplicate.
          if (isDeepStrictEqual(toTitle(existing.records[0].get('t')), title)) return;
          throw new DuplicateTitleError(title.id);
        }
        const rows = [titleProps(title)];
        await tx.run(CREATE_TITLES, { rows });
        await tx.run(LINK_TITLES, { rows });
        await tx.run(CREATE_ARTWORK, { rows: artworkRows([title]) });
        await tx.run(CREATE_SIMILAR, { edges });
      });
    } catch (err) {
      // Two replicas adding one id at once: the constraint stops the second.
      if (isConstraintViolation(err)) throw new DuplicateTitleError(title.id);
      throw err;
    }
  }

  async setTitleAvailability(titleId: string, availability: Availability | null): Promise<Title> {
    const rows = await this.cypher.write<{ t: Props }>(
      `MATCH (t:Title {id: $id})
       REMOVE t.availability, t.availableIn, t.availableFrom, t.availableUntil
       SET t += $props RETURN properties(t) AS t`,
      { id: titleId, props: availabilityProps(availability ?? undefined) },
    );
    if (rows.length === 0) throw new NotFoundError('Title', titleId);
    return toTitle(rows[0].t);
  }

  async similarTitles(titleId: string, limit: number, maxTier?: MaturityTier): Promise<SimilarEdge[]> {
    const rows = await this.cypher.read<{ to: string; score: number; basis: string[] }>(
      `MATCH (:Title {id: $id})-[s:SIMILAR_TO]->(t:Title)
       WHERE $maxRank IS NULL OR t.tierRank <= $maxRank
       RETURN t.id AS to, s.score AS score, s.basis AS basis
       ORDER BY score DESC, to ASC LIMIT $limit`,
      { id: titleId, maxRank: maxTier === undefined ? null : tierRank(maxTier), limit: int(limit) },
    );
    return rows.map((r) => ({ from: titleId, to: r.to, score: r.score, basis: r.basis }));
  }

  async getAccount(id: string) {
    const rows = await this.cypher.read<{ a: Props }>('MATCH (a:Account {id: $id}) RETURN properties(a) AS a', { id });
    return rows.length ? toAccount(rows[0].a) : null;
  }

  async getProfiles(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const rows = await this.cypher.read<{ p: Props }>('MATCH (p:Profile) WHERE p.id IN $ids RETURN properties(p) AS p', { ids });
    const found = new Map(rows.map((r) => [r.p.id as string, toProfile(r.p)]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async listProfiles(first: number, after?: string): Promise<ProfilePage> {
    const rows = await this.cypher.read<{ p: Props }>(
      `MATCH (p:Profile) WHERE $after IS NULL OR p.id > $after
       RETURN properties(p) AS p ORDER BY p.id LIMIT $limit`,
      { after: after ?? null, limit: int(first + 1) },
    );
    return { profiles: rows.slice(0, first).map((r) => toProfile(r.p)), hasMore: rows.length > first };
  }

  async countProfiles(): Promise<number> {
    return (await this.cypher.read<{ n: number }>('MATCH (p:Profile) RETURN count(p) AS n'))[0].n;
  }

  async profilesOfAccount(accountId: string) {
    const rows = await this.cypher.read<{ p: Props }>('MATCH (:Account {id: $id})-[:HAS_PROFILE]->(p:Profile) RETURN properties(p) AS p', {
      id: accountId,
    });
    return byId(rows.map((r) => toProfile(r.p)));
  }

  async createProfile(profile: Profile, maxPerAccount: number): Promise<void> {
    await this.profiles.create(profile, maxPerAccount);
  }

  async updateProfile(profile: Profile): Promise<void> {
    await this.profiles.update(profile);
  }

  async eraseViewingHistory(profileId: string, at: number): Promise<ErasedHistory> {
    return this.profiles.erase(profileId, at);
  }

  async profileData(profileId: string): Promise<StoredProfileData> {
    return this.profiles.data(profileId);
  }

  async recordPlayback(events: readonly PlaybackEvent[]): Promise<RecordOutcome<PlaybackEvent>> {
    return this.events.recordPlayback(events);
  }

  async recordImpressions(events: readonly ImpressionEvent[]): Promise<RecordOutcome<ImpressionEvent>> {
    return this.events.recordImpressions(events);
  }

  async getWatchState(profileId: string) {
    const rows = await this.cypher.read<{ titleId: string; w: Props }>(
      `MATCH (:Profile {id: $id})-[w:WATCHED]->(t:Title)
       RETURN t.id AS titleId, properties(w) AS w ORDER BY w.lastAt DESC, t.id ASC`,
      { id: profileId },
    );
    return rows.map((r) => toWatchState(profileId, r.titleId, r.w));
  }

  async viewerState(profileId: string, accountId?: string): Promise<ViewerState> {
    // Each part in a subquery of its own, so an empty one (no account, nothing watched) leaves the others' row.
    const rows = await this.cypher.read<{
      p: Props | null;
      a: Props | null;
      watched: { titleId: string; w: Props }[];
      feedback: Props[];
    }>(
      // `mine`: the profile exists and is the caller's (any account's without one): only then is the rest read.
      `OPTIONAL MATCH (p:Profile {id: $id})
       WITH p, p IS NOT NULL AND ($accountId IS NULL OR p.accountId = $accountId) AS mine
       OPTIONAL MATCH (a:Account {id: p.accountId}) WHERE mine
       CALL (p, mine) {
         OPTIONAL MATCH (p)-[w:WATCHED]->(t:Title) WHERE mine AND NOT coalesce(p.personalizationOff, false)
         WITH t, w ORDER BY w.lastAt DESC, t.id ASC
         RETURN collect(CASE WHEN t IS NULL THEN null ELSE {titleId: t.id, w: properties(w)} END) AS watched
       }
       CALL (mine) {
         OPTIONAL MATCH (f:Feedback {profileId: $id}) WHERE mine
         WITH f ORDER BY f.titleId
         RETURN collect(properties(f)) AS feedback
       }
       RETURN properties(p) AS p, properties(a) AS a, watched, feedback`,
      { id: profileId, accountId: accountId ?? null },
    );
    const { p, a, watched, feedback } = rows[0];
    return {
      profile: p ? toProfile(p) : null,
      account: a ? toAccount(a) : null,
      watch: watched.map((r) => toWatchState(profileId, r.titleId, r.w)),
      feedback: feedback.map(toFeedback),
    };
  }

  async viewingHistory(profileId: string, first: number) {
    const rows = await this.cypher.read<{ e: Props }>(
      `MATCH (e:Playback {profileId: $id})
       RETURN properties(e) AS e ORDER BY e.occurredAt DESC, e.eventId ASC LIMIT $limit`,
      { id: profileId, limit: int(first) },
    );
    return rows.map((r) => toPlayback(r.e));
  }

  async playsSince(since: number): Promise<RecentPlay[]> {
    const rows = await this.long.read<RecentPlay>(
      `MATCH (e:Playback) WHERE e.occurredAt >= $since
       OPTIONAL MATCH (a:Account)-[:HAS_PROFILE]->(p:Profile {id: e.profileId})
       RETURN e.eventId AS eventId, e.titleId AS titleId, e.profileId AS profileId,
              coalesce(a.country, 'XX') AS country, coalesce(p.isKids, false) AS kids, e.occurredAt AS occurredAt
       ORDER BY occurredAt, eventId, profileId`,
      { since },
    );
    return rows;
  }

  async playbacksSince(since: number): Promise<PlaybackEvent[]> {
    return (await this.eventsSince('Playback', since)).map(toPlayback);
  }

  async impressionsSince(since: number): Promise<ImpressionEvent[]> {
    return (await this.eventsSince('Impression', since)).map(toImpression);
  }

  /**
   * A seek on the occurredAt range index (neo4j-schema). Ordering the nodes before projecting
   * lets the planner use the index's order and only sort within equal times (a PartialSort).
   */
  private async eventsSince(label: 'Playback' | 'Impression', since: number): Promise<Props[]> {
    const rows = await this.long.read<{ e: Props }>(
      `MATCH (e:${label}) WHERE e.occurredAt >= $since
       WITH e ORDER BY e.occurredAt, e.eventId, e.profileId
       RETURN properties(e) AS e`,
      { since },
    );
    return rows.map((r) => r.e);
  }

  async listWatchStates() {
    const rows = await this.long.read<{ profileId: string; titleId: string; w: Props }>(
      `MATCH (p:Profile)-[w:WATCHED]->(t:Title)
       RETURN p.id AS profileId, t.id AS titleId, properties(w) AS w ORDER BY profileId, titleId`,
    );
    return rows.map((r) => toWatchState(r.profileId, r.titleId, r.w));
  }

  async changeTitleFeedback(profileId: string, titleId: string, change: FeedbackChange, at: number): Promise<TitleFeedback | null> {
    return this.feedback.change(profileId, titleId, change, at);
  }

  async titleFeedback(profileId: string): Promise<TitleFeedback[]> {
    return this.feedback.of(profileId);
  }

  async listTitleFeedback(): Promise<TitleFeedback[]> {
    const rows = await this.long.read<{ f: Props }>('MATCH (f:Feedback) RETURN properties(f) AS f ORDER BY f.profileId, f.titleId');
    return rows.map((r) => toFeedback(r.f));
  }

  async createPromotion(promotion: Promotion): Promise<void> {
    await this.promotions.create(promotion);
  }

  async endPromotion(id: string, at: number): Promise<Promotion> {
    return this.promotions.end(id, at);
  }

  async listPromotions(): Promise<Promotion[]> {
    return this.promotions.list();
  }

  async artworkStats(titleIds: readonly string[]): Promise<ArtworkStat[]> {
    if (titleIds.length === 0) return [];
    return this.cypher.read<ArtworkStat>(
      `MATCH (a:Artwork) WHERE a.titleId IN $ids
       RETURN a.titleId AS titleId, a.id AS artworkId, a.shown AS shown, a.taken AS taken ORDER BY titleId, a.rank`,
      { ids: [...new Set(titleIds)] },
    );
  }

  async themeStats(profileId: string): Promise<ThemeStat[]> {
    return this.cypher.read<ThemeStat>(
      `MATCH (s:ThemeStats {profileId: $id})
       RETURN s.theme AS theme, s.shown AS shown, s.taken AS taken, s.otherShown AS otherShown, s.otherTaken AS otherTaken
       ORDER BY theme`,
      { id: profileId },
    );
  }

  async createExperiment(experiment: Experiment): Promise<void> {
    await this.experiments.create(experiment);
  }

  async changeExperimentStatus(id: string, to: Exclude<ExperimentStatus, 'DRAFT'>, at: number): Promise<Experiment> {
    return this.experiments.changeStatus(id, to, at);
  }

  async getExperiment(id: string): Promise<Experiment | null> {
    return this.experiments.get(id);
  }

  async listExperiments(): Promise<Experiment[]> {
    return this.experiments.list();
  }

  async recordExposures(exposures: readonly ExposureRecord[]): Promise<number> {
    return this.experiments.recordExposures(exposures);
  }

  async exposuresOf(experimentId: string): Promise<ExposureRecord[]> {
    return this.experiments.exposuresOf(experimentId);
  }

  async addVariantTimings(timings: readonly VariantTimings[]): Promise<void> {
    await this.experiments.addTimings(timings);
  }

  async variantTimings(experimentId: string): Promise<VariantTimings[]> {
    return this.experiments.timingsOf(experimentId);
  }

  async latestPlaybackAt() {
    const rows = await this.cypher.read<{ at: number }>(
      'MATCH (e:Playback) WHERE e.occurredAt IS NOT NULL RETURN e.occurredAt AS at ORDER BY at DESC LIMIT 1',
    );
    return rows.length ? rows[0].at : null;
  }
}

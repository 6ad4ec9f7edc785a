import { DuplicateProfileError, ProfileLimitError, UnknownProfileError } from '../errors';
import type { ErasedHistory, Profile, StoredProfileData } from '../../src/domain/types';
import type { CypherExecutor } from './cypher-executor';
import { profileProps, toImpression, toPlayback, toProfile } from './neo4j-records';
import { ERASE_FEEDBACK } from './neo4j-feedback';

type Props = Record<string, unknown>;

/**
 * Profile writes and erasure on Neo4j, each one transaction. Account and profile nodes are
 * locked first, so a concurrent create cannot pass the limit and a concurrent playback of an
 * erased profile waits for the erasure (recordPlayback locks the profile too).
 */
export class Neo4jProfiles {
  constructor(private readonly cypher: CypherExecutor) {}

  async create(profile: Profile, maxPerAccount: number): Promise<void> {
    await this.cypher.writeTx(async (tx) => {
      const account = await tx.run<{ n: number }>(
        `MATCH (a:Account {id: $accountId}) SET a._lock = true REMOVE a._lock
         WITH a OPTIONAL MATCH (a)-[:HAS_PROFILE]->(p:Profile)
         RETURN a.id AS id, count(p) AS n`,
        { accountId: profile.accountId },
      );
      if (account.records.length === 0) throw new UnknownProfileError(profile.accountId);
      const existing = await tx.run('MATCH (p:Profile {id: $id}) RETURN p.id', { id: profile.id });
      if (existing.records.length > 0) throw new DuplicateProfileError(profile.id);
      if (account.records[0].get('n') >= maxPerAccount) throw new ProfileLimitError(profile.accountId, maxPerAccount);
      await tx.run('MATCH (a:Account {id: $accountId}) CREATE (a)-[:HAS_PROFILE]->(p:Profile) SET p = $props', {
        accountId: profile.accountId,
        props: profileProps(profile),
      });
    });
  }

  async update(profile: Profile): Promise<void> {
    const rows = await this.cypher.write<{ id: string }>(
      'MATCH (p:Profile {id: $id, accountId: $accountId}) SET p = $props RETURN p.id AS id',
      { id: profile.id, accountId: profile.accountId, props: profileProps(profile) },
    );
    if (rows.length === 0) throw new UnknownProfileError(profile.id);
  }

  /**
   * Subtracts the profile's impressions (and those its plays credited) from the shared Artwork
   * counters, exactly what they added (graph/artwork-stats.ts counts an impression only when its
   * artwork is its title's), then deletes its events, WATCHED, ThemeStats and experiment exposures,
   * its feedback but My List, and its onboarding answers.
   */
  async erase(profileId: string, at: number): Promise<ErasedHistory> {
    // A long history takes longer than the per-call bound to erase, and a viewer's erasure must
    // finish: only the request's own deadline bounds it (the transaction is idempotent to retry).
    return this.cypher.unbounded().writeTx(async (tx) => {
      const found = await tx.run<{ p: Props }>('MATCH (p:Profile {id: $id}) SET p._lock = true REMOVE p._lock RETURN properties(p) AS p', {
        id: profileId,
      });
      if (found.records.length === 0) throw new UnknownProfileError(profileId);
      const playbacks = (
        await tx.run<{ e: Props }>(
          `MATCH (e:Playback {profileId: $id}) WITH e ORDER BY e.occurredAt, e.eventId RETURN properties(e) AS e`,
          { id: profileId },
        )
      ).records.map((r) => toPlayback(r.get('e')));
      const impressions = (
        await tx.run<{ e: Props }>(
          `MATCH (e:Impression {profileId: $id}) WITH e ORDER BY e.occurredAt, e.eventId RETURN properties(e) AS e`,
          { id: profileId },
        )
      ).records.map((r) => toImpression(r.get('e')));
      await tx.run(
        `MATCH (i:Impression {profileId: $id})
         MATCH (a:Artwork {id: i.artworkId}) WHERE a.titleId = i.titleId
         WITH a, count(i) AS shown, count(i.creditedBy) AS taken ORDER BY a.id
         SET a.shown = a.shown - shown, a.taken = a.taken - taken`,
        { id: profileId },
      );
      await tx.run('MATCH (e:Impression {profileId: $id}) DETACH DELETE e', { id: profileId });
      await tx.run('MATCH (e:Playback {profileId: $id}) DETACH DELETE e', { id: profileId });
      await tx.run('MATCH (s:ThemeStats {profileId: $id}) DELETE s', { id: profileId });
      await tx.run('MATCH (x:Exposure {profileId: $id}) DELETE x', { id: profileId });
      await tx.run('MATCH (:Profile {id: $id})-[w:WATCHED]->() DELETE w', { id: profileId });
      for (const statement of ERASE_FEEDBACK) await tx.run(statement, { id: profileId });
      const { onboarding: _dropped, ...rest } = toProfile(found.records[0].get('p'));
      const profile: Profile = { ...rest, historyDeletedAt: at };
      await tx.run('MATCH (p:Profile {id: $id}) SET p = $props', { id: profileId, props: profileProps(profile) });
      return { playbacks, impressions, profile };
    });
  }

  async data(profileId: string): Promise<StoredProfileData> {
    const [row] = await this.cypher.read<StoredProfileData>(
      `CALL { MATCH (e:Playback {profileId: $id}) RETURN count(e) AS playbacks, min(e.occurredAt) AS p0, max(e.occurredAt) AS p1 }
       CALL { MATCH (e:Impression {profileId: $id}) RETURN count(e) AS impressions, min(e.occurredAt) AS i0, max(e.occurredAt) AS i1 }
       CALL { OPTIONAL MATCH (:Profile {id: $id})-[w:WATCHED]->() RETURN count(w) AS titles }
       CALL { MATCH (s:ThemeStats {profileId: $id}) RETURN count(s) AS artworkThemes }
       CALL { MATCH (f:Feedback {profileId: $id})
              RETURN count(f.rating) AS ratings, count(f.notInterestedAt) AS notInterested, count(f.myListAt) AS myList }
       RETURN playbacks, impressions, titles, artworkThemes, ratings, notInterested, myList,
              CASE WHEN p0 IS NULL THEN i0 WHEN i0 IS NULL THEN p0 WHEN p0 < i0 THEN p0 ELSE i0 END AS firstEventAt,
              CASE WHEN p1 IS NULL THEN i1 WHEN i1 IS NULL THEN p1 WHEN p1 > i1 THEN p1 ELSE i1 END AS lastEventAt`,
      { id: profileId },
    );
    return row;
  }
}

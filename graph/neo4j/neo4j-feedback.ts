import neo4j from 'neo4j-driver';
import { UnknownProfileError } from '../errors';
import { applyFeedback, type FeedbackChange, type Rating, type TitleFeedback } from '../../src/domain/title-feedback';
import type { CypherExecutor } from './cypher-executor';
import { interned } from './interned';

type Props = Record<string, unknown>;

/** Times as Cypher integers; an absent value is an absent property (Neo4j has no null properties). */
export function feedbackProps(f: TitleFeedback): Props {
  const int = (v: number | null) => (v === null ? null : neo4j.int(v));
  return {
    profileId: f.profileId,
    titleId: f.titleId,
    rating: f.rating,
    ratedAt: int(f.ratedAt),
    notInterestedAt: int(f.notInterestedAt),
    myListAt: int(f.myListAt),
    hiddenAt: int(f.hiddenAt),
    updatedAt: int(f.updatedAt),
  };
}

export function toFeedback(p: Props): TitleFeedback {
  const time = (k: string) => (p[k] === undefined || p[k] === null ? null : Number(p[k]));
  return {
    profileId: p.profileId as string,
    titleId: interned(p.titleId as string),
    rating: (p.rating as Rating | undefined) ?? null,
    ratedAt: time('ratedAt'),
    notInterestedAt: time('notInterestedAt'),
    myListAt: time('myListAt'),
    hiddenAt: time('hiddenAt'),
    updatedAt: Number(p.updatedAt),
  };
}

/**
 * Viewer feedback as Feedback nodes, one per (profile, title), unique by that pair. A change is
 * one transaction that locks the profile (as recordPlayback and erasure do), reads the record,
 * applies the shared rule and writes the result, so concurrent changes and an erasure serialise.
 */
export class Neo4jFeedback {
  constructor(private readonly cypher: CypherExecutor) {}

  async change(profileId: string, titleId: string, change: FeedbackChange, at: number): Promise<TitleFeedback | null> {
    return this.cypher.writeTx(async (tx) => {
      const profile = await tx.run('MATCH (p:Profile {id: $id}) SET p._lock = true REMOVE p._lock RETURN p.id', { id: profileId });
      if (profile.records.length === 0) throw new UnknownProfileError(profileId);
      const found = await tx.run<{ f: Props }>('MATCH (f:Feedback {profileId: $profileId, titleId: $titleId}) RETURN properties(f) AS f', {
        profileId,
        titleId,
      });
      const current = found.records.length > 0 ? toFeedback(found.records[0].get('f')) : null;
      const next = applyFeedback(current, profileId, titleId, change, at);
      if (next === current) return current;
      if (next === null) await tx.run('MATCH (f:Feedback {profileId: $profileId, titleId: $titleId}) DELETE f', { profileId, titleId });
      else
        await tx.run('MERGE (f:Feedback {profileId: $profileId, titleId: $titleId}) SET f = $props', {
          profileId,
          titleId,
          props: feedbackProps(next),
        });
      return next;
    });
  }

  async of(profileId: string): Promise<TitleFeedback[]> {
    const rows = await this.cypher.read<{ f: Props }>('MATCH (f:Feedback {profileId: $id}) RETURN properties(f) AS f ORDER BY f.titleId', {
      id: profileId,
    });
    return rows.map((r) => toFeedback(r.f));
  }
}

/** Erasure's share, inside its transaction: everything but My List goes (src/domain/title-feedback.ts afterErasure). */
export const ERASE_FEEDBACK = [
  'MATCH (f:Feedback {profileId: $id}) WHERE f.myListAt IS NULL DELETE f',
  'MATCH (f:Feedback {profileId: $id}) REMOVE f.rating, f.ratedAt, f.notInterestedAt, f.hiddenAt SET f.updatedAt = f.myListAt',
];

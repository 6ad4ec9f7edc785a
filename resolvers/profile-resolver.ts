import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Account as AccountRecord, PlaybackEvent, Profile as ProfileRecord } from '../graph/types';
import type { RequestContext } from '../src/server/context';
import { badInput, notFound } from '../src/server/errors';
import type { Services } from '../src/server/services';
import { Account, Profile, ProfileConnection, ViewingEvent } from '../schema/profile';
import { intInRange, nonEmptyId } from './args';

const CURSOR_PREFIX = 'profile:';
const encodeCursor = (id: string) => Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || encodeCursor(text.slice(CURSOR_PREFIX.length)) !== cursor) {
    throw badInput('after', 'is not a cursor returned by this API');
  }
  return text.slice(CURSOR_PREFIX.length);
}

@Resolver(() => Profile)
export class ProfileResolver {
  constructor(private readonly services: Services) {}

  @Query(() => Profile, { nullable: true, description: 'One profile by id; null with a NOT_FOUND error when unknown.' })
  async profile(@Arg('id', () => ID, { description: 'Profile id.' }) id: string) {
    const [profile] = await this.services.store.getProfiles([nonEmptyId('id', id)]);
    if (!profile) throw notFound('Profile', id);
    return profile;
  }

  @Query(() => ProfileConnection, { description: 'Profiles ordered by id, a page at a time: an entry point for explorers and demos.' })
  async profiles(
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1-100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor from pageInfo.endCursor of the previous page.' }) after?: string | null,
  ): Promise<ProfileConnection> {
    intInRange('first', first, 1, 100);
    const afterId = after ? decodeCursor(after) : undefined;
    const [page, totalCount] = await Promise.all([this.services.store.listProfiles(first, afterId), this.services.store.countProfiles()]);
    const edges = page.profiles.map((node) => ({ cursor: encodeCursor(node.id), node: node as unknown as Profile }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage: page.hasMore, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }

  @FieldResolver(() => Account)
  async account(@Root() profile: ProfileRecord) {
    const account = await this.services.store.getAccount(profile.accountId);
    if (!account) throw new Error(`profile ${profile.id} has no account ${profile.accountId}`);
    return account;
  }

  @FieldResolver(() => [ViewingEvent])
  viewingHistory(
    @Root() profile: ProfileRecord,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, newest first, 1-500.' }) first: number,
  ) {
    return this.services.store.viewingHistory(profile.id, intInRange('first', first, 1, 500));
  }
}

@Resolver(() => Account)
export class AccountResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => [Profile])
  profiles(@Root() account: AccountRecord) {
    return this.services.store.profilesOfAccount(account.id);
  }
}

@Resolver(() => ViewingEvent)
export class ViewingEventResolver {
  @FieldResolver()
  title(@Root() event: PlaybackEvent, @Ctx() ctx: RequestContext) {
    return ctx.loaders.title.load(event.titleId);
  }

  @FieldResolver(() => Date)
  occurredAt(@Root() event: PlaybackEvent): Date {
    return new Date(event.occurredAt);
  }
}

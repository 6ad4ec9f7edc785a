import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Account as AccountRecord, PlaybackEvent, Profile as ProfileRecord } from '../src/domain/types';
import type { RequestContext } from '../src/server/context';
import { ForbiddenError, InvalidInputError } from '../src/domain/errors';
import type { ProfileService } from '../src/profiles/profile-service';
import { Account, Profile, ProfileConnection, ViewingEvent } from '../schema/profile';
import { intInRange, nonEmptyId } from './args';

const CURSOR_PREFIX = 'profile:';
const encodeCursor = (id: string) => Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || encodeCursor(text.slice(CURSOR_PREFIX.length)) !== cursor) {
    throw new InvalidInputError('after', 'is not a cursor returned by this API');
  }
  return text.slice(CURSOR_PREFIX.length);
}

@Resolver(() => Profile)
export class ProfileResolver {
  constructor(private readonly profileService: ProfileService) {}

  @Query(() => Profile, {
    nullable: true,
    description: "One of the calling account's profiles by id; null with a NOT_FOUND error when unknown, FORBIDDEN when another account's.",
  })
  profile(@Arg('id', () => ID, { description: 'Profile id.' }) id: string, @Ctx() ctx: RequestContext) {
    return ctx.auth.profile(nonEmptyId('id', id));
  }

  @Query(() => ProfileConnection, {
    description: "The calling account's profiles ordered by id, a page at a time: an entry point for explorers and demos.",
  })
  async profiles(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1-100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor from pageInfo.endCursor of the previous page.' })
    after?: string | null,
  ): Promise<ProfileConnection> {
    intInRange('first', first, 1, 100);
    const afterId = after ? decodeCursor(after) : undefined;
    // An account has a handful of profiles: all are read and the page is cut here.
    const own = (await this.profileService.ofAccount(ctx.auth.accountId())).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rest = afterId === undefined ? own : own.filter((p) => p.id > afterId);
    const edges = rest.slice(0, first).map((node) => ({ cursor: encodeCursor(node.id), node: node as unknown as Profile }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage: rest.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: own.length,
    };
  }

  @FieldResolver(() => Account)
  account(@Root() profile: ProfileRecord) {
    return this.profileService.account(profile);
  }

  @FieldResolver(() => [ViewingEvent])
  viewingHistory(
    @Root() profile: ProfileRecord,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, newest first, 1-500.' }) first: number,
  ) {
    return this.profileService.viewingHistory(profile, intInRange('first', first, 1, 500));
  }
}

@Resolver(() => Account)
export class AccountResolver {
  constructor(private readonly profileService: ProfileService) {}

  /** Only reachable from the caller's own profiles; checked again so no new path can list another account's. */
  @FieldResolver(() => [Profile])
  profiles(@Root() account: AccountRecord, @Ctx() ctx: RequestContext) {
    if (account.id !== ctx.auth.accountId()) throw new ForbiddenError("Only your own account's profiles can be listed");
    return this.profileService.ofAccount(account.id);
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

import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Profile as ProfileRecord } from '../src/domain/types';
import type { FeedbackChange, TitleFeedback as FeedbackRecord } from '../src/domain/title-feedback';
import type { FeedbackService, MyListEntry as EntryRecord } from '../src/profiles/feedback-service';
import type { RequestContext } from '../src/server/context';
import { InvalidInputError } from '../src/domain/errors';
import { Profile } from '../schema/profile';
import { MyListConnection, MyListEntry, ThumbRating, TitleFeedback } from '../schema/feedback';
import { intInRange, nonEmptyId } from './args';

const PROFILE_ID = "One of the calling account's profiles.";
const TITLE_ID = 'The title.';

/** A record as the GraphQL type reads it; the title is resolved by its field. */
type FeedbackView = Omit<TitleFeedback, 'title'> & { titleId: string };
type EntryView = Omit<MyListEntry, 'title'> & { titleId: string };

const CURSOR_PREFIX = 'mylist:';
const encodeCursor = (e: EntryRecord) => Buffer.from(`${CURSOR_PREFIX}${e.addedAt}:${e.titleId}`).toString('base64url');
/** The entry a cursor names: later pages start after its place in the order, even once it has left the list. */
function decodeCursor(cursor: string): EntryRecord {
  const match = /^mylist:(\d{1,16}):(.+)$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const entry = match ? { addedAt: Number(match[1]), titleId: match[2] } : null;
  if (!entry || encodeCursor(entry) !== cursor) throw new InvalidInputError('after', 'is not a cursor returned by this API');
  return entry;
}
const after = (a: EntryRecord, cursor: EntryRecord) =>
  a.addedAt < cursor.addedAt || (a.addedAt === cursor.addedAt && a.titleId > cursor.titleId);

/** Viewer controls: each mutation acts on one of the calling account's profiles and answers the title's feedback afterwards. */
@Resolver(() => Profile)
export class FeedbackResolver {
  constructor(private readonly feedback: FeedbackService) {}

  @Mutation(() => TitleFeedback, {
    description:
      "Rates a title thumbs up or down (NONE takes the rating back). A DOWN title never appears on the profile's pages again and its nearest neighbours are shown less; an UP counts like a finished watch.",
  })
  rateTitle(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('titleId', () => ID, { description: TITLE_ID }) titleId: string,
    @Arg('rating', () => ThumbRating, { description: 'UP, DOWN, or NONE to take it back.' }) rating: ThumbRating,
    @Ctx() ctx: RequestContext,
  ) {
    return this.change(ctx, profileId, titleId, { rating: rating === ThumbRating.NONE ? null : rating });
  }

  @Mutation(() => TitleFeedback, {
    description:
      "Marks a title as not interesting to the profile: it never appears on the profile's pages again and titles most like it are shown less. `undo: true` takes it back.",
  })
  notInterested(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('titleId', () => ID, { description: TITLE_ID }) titleId: string,
    @Ctx() ctx: RequestContext,
    @Arg('undo', () => Boolean, { defaultValue: false, description: 'True to take a "not interested" back.' }) undo: boolean,
  ) {
    return this.change(ctx, profileId, titleId, { notInterested: !undo });
  }

  @Mutation(() => TitleFeedback, { description: 'Adds a title to My List (again: no change). The homepage shows the list as a row.' })
  addToMyList(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('titleId', () => ID, { description: TITLE_ID }) titleId: string,
    @Ctx() ctx: RequestContext,
  ) {
    return this.change(ctx, profileId, titleId, { myList: true });
  }

  @Mutation(() => TitleFeedback, { description: 'Removes a title from My List (not on it: no change).' })
  removeFromMyList(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('titleId', () => ID, { description: TITLE_ID }) titleId: string,
    @Ctx() ctx: RequestContext,
  ) {
    return this.change(ctx, profileId, titleId, { myList: false });
  }

  @Mutation(() => TitleFeedback, {
    description: 'Removes a title from the Continue Watching row; playing it again brings it back.',
  })
  removeFromContinueWatching(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('titleId', () => ID, { description: TITLE_ID }) titleId: string,
    @Ctx() ctx: RequestContext,
  ) {
    return this.change(ctx, profileId, titleId, { hiddenFromContinueWatching: true });
  }

  @FieldResolver(() => MyListConnection, { description: "The profile's My List, most recently added first." })
  async myList(
    @Root() profile: ProfileRecord,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1-100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor from pageInfo.endCursor of the previous page.' })
    afterCursor?: string | null,
  ) {
    intInRange('first', first, 1, 100);
    const cursor = afterCursor ? decodeCursor(afterCursor) : null;
    const all = await this.feedback.myList(profile);
    const rest = cursor ? all.filter((e) => after(e, cursor)) : all;
    const edges = rest
      .slice(0, first)
      .map((e) => ({ cursor: encodeCursor(e), node: { titleId: e.titleId, addedAt: new Date(e.addedAt) } }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage: rest.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: all.length,
    };
  }

  private async change(ctx: RequestContext, profileId: string, titleId: string, change: FeedbackChange): Promise<FeedbackView> {
    const profile = await ctx.auth.profile(nonEmptyId('profileId', profileId));
    return toView(await this.feedback.change(profile, nonEmptyId('titleId', titleId), change));
  }
}

const when = (ms: number | null) => (ms === null ? null : new Date(ms));

function toView(f: FeedbackRecord): FeedbackView {
  return {
    titleId: f.titleId,
    rating: f.rating === null ? ThumbRating.NONE : ThumbRating[f.rating],
    ratedAt: when(f.ratedAt),
    notInterested: f.notInterestedAt !== null,
    inMyList: f.myListAt !== null,
    addedToMyListAt: when(f.myListAt),
    removedFromContinueWatchingAt: when(f.hiddenAt),
  };
}

@Resolver(() => TitleFeedback)
export class TitleFeedbackResolver {
  @FieldResolver()
  title(@Root() f: FeedbackView, @Ctx() ctx: RequestContext) {
    return ctx.loaders.title.load(f.titleId);
  }
}

@Resolver(() => MyListEntry)
export class MyListEntryResolver {
  @FieldResolver()
  title(@Root() e: EntryView, @Ctx() ctx: RequestContext) {
    return ctx.loaders.title.load(e.titleId);
  }
}

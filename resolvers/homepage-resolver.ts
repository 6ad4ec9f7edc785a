import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { HomepageItem, HomepageResult, HomepageService } from '../src/homepage/homepage-service';
import type { RequestContext } from '../src/server/context';
import { Homepage, RowItem, Scores } from '../schema/homepage';
import { ViewingContextInput } from '../schema/inputs';
import { nonEmptyId } from './args';

@Resolver(() => Homepage)
export class HomepageResolver {
  constructor(private readonly homepages: HomepageService) {}

  @Query(() => Homepage, {
    description: "The personalized homepage for a profile in a viewing context. Needs the token of the profile's account.",
  })
  async homepage(
    @Arg('profileId', () => ID, { description: 'The profile to build the page for.' }) profileId: string,
    @Ctx() ctx: RequestContext,
    @Arg('context', () => ViewingContextInput, { nullable: true, description: 'Device, local time, session length, country.' })
    context?: ViewingContextInput | null,
  ): Promise<HomepageResult> {
    const profile = await ctx.auth.profile(nonEmptyId('profileId', profileId));
    return this.homepages.homepageFor(profile, context, ctx.pageViewId());
  }
}

@Resolver(() => RowItem)
export class RowItemResolver {
  @FieldResolver()
  title(@Root() item: HomepageItem, @Ctx() ctx: RequestContext) {
    return ctx.loaders.title.load(item.titleId);
  }

  @FieldResolver()
  artwork(@Root() item: HomepageItem, @Ctx() ctx: RequestContext) {
    return ctx.loaders.artwork.load(item.artworkId);
  }

  @FieldResolver(() => Scores)
  scores(@Root() item: HomepageItem): Scores {
    return {
      utility: item.utility,
      predictions: item.heads ?? null,
      explorationBonus: item.explorationBonus,
      retrieval: [...item.sourceScores].map(([source, score]) => ({ source, score })),
    };
  }
}

import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Artwork, Title } from '../src/domain/types';
import type { HomepageItem, HomepageResult, HomepageService } from '../src/homepage/homepage-service';
import type { RequestContext } from '../src/server/context';
import { Homepage, type Scores } from '../schema/homepage';
import { TitleFilterInput, ViewingContextInput } from '../schema/inputs';
import { nonEmptyId } from './args';

/** An item as RowItem serves it, its title, artwork and scores in place: the GraphQL type's fields are then plain property reads. */
interface RowItemView extends Pick<HomepageItem, 'position' | 'reason' | 'artworkReason' | 'sources' | 'promotion' | 'experiments'> {
  title: Title | null;
  artwork: Artwork | null;
  scores: Scores;
}

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
    @Arg('filter', () => TitleFilterInput, {
      nullable: true,
      description: 'Narrows every row of the page, Continue Watching and My List included, to the titles that pass.',
    })
    filter?: TitleFilterInput | null,
  ) {
    // The access check reads the profile together with its viewer state: one store round trip for both.
    const viewer = await ctx.auth.withProfile(nonEmptyId('profileId', profileId), (id, accountId) =>
      this.homepages.viewerState(id, accountId),
    );
    const narrowed = this.homepages.titleFilter(filter, 'filter');
    return withItemFields(await this.homepages.homepageFor(viewer, context, ctx.pageViewId(), narrowed), ctx);
  }
}

/**
 * The page with each item's title (one batch: the in-memory catalog, the store for any it lacks),
 * artwork and scores attached. Resolving them here rather than in field resolvers keeps ~170
 * items × 3 fields of a page off the per-field resolver path. A store failure fails the page.
 */
async function withItemFields(page: HomepageResult, ctx: RequestContext) {
  const titles = await ctx.titles(page.rows.flatMap((r) => r.items.map((i) => i.titleId)));
  let next = 0;
  const rows = page.rows.map((row) => ({
    ...row,
    // Field by field rather than a spread of the item: this runs for every item of every page served.
    items: row.items.map((item): RowItemView => ({
      position: item.position,
      reason: item.reason,
      artworkReason: item.artworkReason,
      sources: item.sources,
      promotion: item.promotion,
      experiments: item.experiments,
      title: titles[next++],
      artwork: ctx.artwork(item.artworkId),
      scores: {
        utility: item.utility,
        predictions: item.heads ?? null,
        explorationBonus: item.explorationBonus,
        retrieval: retrievalScores(item.sourceScores),
      },
    })),
  }));
  return { ...page, rows };
}

/** Each source's score, as one array built in place (not a spread and a map: this runs for every item). */
function retrievalScores(scores: ReadonlyMap<string, number>): { source: string; score: number }[] {
  const out: { source: string; score: number }[] = [];
  for (const [source, score] of scores) out.push({ source, score });
  return out;
}

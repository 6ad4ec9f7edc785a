import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Promotion as PromotionRecord } from '../src/domain/promotion';
import type { PromotionService } from '../src/catalog/promotion-service';
import type { RequestContext } from '../src/server/context';
import { Promotion, PromotionInput } from '../schema/promotion';
import { nonEmptyId } from './args';

/** Promotions: admin tokens only, like the other catalog writes. */
@Resolver(() => Promotion)
export class PromotionResolver {
  constructor(private readonly campaigns: PromotionService) {}

  @Query(() => [Promotion], { description: 'Every promotion, oldest first, ended ones included (admin tokens only).' })
  promotions(@Ctx() ctx: RequestContext) {
    ctx.auth.catalogWrite();
    return this.campaigns.list();
  }

  @Mutation(() => Promotion, {
    description:
      'Starts a promotion (admin tokens only): its titles are placed in the rows it allows for viewers in its countries, until it ends; pages of this server follow at once, other replicas within 10 s.',
  })
  createPromotion(
    @Arg('input', () => PromotionInput, { description: 'The promotion.' }) input: PromotionInput,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.auth.catalogWrite();
    return this.campaigns.create(input);
  }

  @Mutation(() => Promotion, { description: 'Ends a promotion now (admin tokens only); ending an ended one changes nothing.' })
  endPromotion(@Arg('id', () => ID, { description: 'The promotion.' }) id: string, @Ctx() ctx: RequestContext) {
    ctx.auth.catalogWrite();
    return this.campaigns.end(nonEmptyId('id', id));
  }

  @FieldResolver()
  titles(@Root() p: PromotionRecord, @Ctx() ctx: RequestContext) {
    return ctx.loaders.title.loadMany(p.titleIds);
  }

  @FieldResolver(() => [String], { nullable: true })
  countries(@Root() p: PromotionRecord): string[] | null {
    return p.countries ?? null;
  }

  @FieldResolver(() => Date)
  from(@Root() p: PromotionRecord): Date {
    return new Date(p.from);
  }

  @FieldResolver(() => Date)
  until(@Root() p: PromotionRecord): Date {
    return new Date(p.until);
  }

  @FieldResolver(() => Date)
  createdAt(@Root() p: PromotionRecord): Date {
    return new Date(p.createdAt);
  }
}

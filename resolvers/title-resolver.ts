import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Artwork as ArtworkRecord, Title as TitleRecord } from '../src/domain/types';
import type { RequestContext } from '../src/server/context';
import { InvalidInputError, NotFoundError } from '../src/domain/errors';
import type { NewTitleService } from '../src/catalog/new-title-service';
import type { SimilarityService } from '../src/similarity/similarity-service';
import type { AvailabilityService } from '../src/catalog/availability-service';
import { AvailabilityInput, NewTitleInput, TitleFilterInput } from '../schema/inputs';
import { Artwork, SimilarTitle, Title, TitleAvailability } from '../schema/title';
import { DEFAULT_SIMILARITY } from '../src/similarity/similarity-graph';
import { countryCode, intInRange, nonEmptyId } from './args';

@Resolver(() => Title)
export class TitleResolver {
  constructor(
    private readonly similarity: SimilarityService,
    private readonly newTitles: NewTitleService,
    private readonly licences: AvailabilityService,
  ) {}

  @Query(() => Title, { nullable: true, description: 'One title by id; null with a NOT_FOUND error when unknown.' })
  async title(@Arg('id', () => ID, { description: 'Title id.' }) id: string, @Ctx() ctx: RequestContext) {
    ctx.auth.catalog();
    const title = await ctx.loaders.title.load(nonEmptyId('id', id));
    if (!title) throw new NotFoundError('Title', id);
    return title;
  }

  @Query(() => [Title], { nullable: 'items', description: 'Several titles by id (at most 100), in the order asked; null for unknown ids.' })
  titles(@Arg('ids', () => [ID], { description: 'Title ids.' }) ids: string[], @Ctx() ctx: RequestContext) {
    ctx.auth.catalog();
    if (ids.length > 100) throw new InvalidInputError('ids', `must hold at most 100 ids, got ${ids.length}`);
    return ctx.loaders.title.loadMany(ids);
  }

  @Query(() => [SimilarTitle], {
    description:
      'Titles most like the given one (shared metadata, rarer overlaps weighing more, blended with co-watching), most similar first, each with a reason.',
  })
  async similarTitles(
    @Arg('titleId', () => ID, { description: 'The title to find neighbours of.' }) titleId: string,
    @Arg('limit', () => Int, { defaultValue: 20, description: `How many, 1-${DEFAULT_SIMILARITY.topK}.` }) limit: number,
    @Arg('profileId', () => ID, {
      nullable: true,
      description:
        "Leave out titles above this profile's maturity limit and those it rated down or marked not interested (the calling account's profiles only; not for partner keys).",
    })
    profileId: string | null,
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => TitleFilterInput, { nullable: true, description: 'Only titles that pass it.' }) filter?: TitleFilterInput | null,
    @Arg('country', () => String, {
      nullable: true,
      description:
        "Only titles licensed in this country now (ISO 3166-1 alpha-2), for a partner's market; with profileId the profile's account's country applies and this is left out.",
    })
    country?: string | null,
  ) {
    ctx.auth.catalog();
    intInRange('limit', limit, 1, DEFAULT_SIMILARITY.topK);
    const narrowed = this.similarity.titleFilter(filter, 'filter');
    const where = country == null ? undefined : countryCode('country', country);
    const profile = profileId != null ? await ctx.auth.profile(nonEmptyId('profileId', profileId)) : undefined;
    return this.similarity.similar(nonEmptyId('titleId', titleId), { limit, profile, filter: narrowed, country: where });
  }

  @Mutation(() => Title, {
    description:
      'Adds a title (admin tokens only): links it to its genres, people, country, language and tags and gives it similar titles, in one transaction. Invalid input writes nothing.',
  })
  addTitle(@Arg('input', () => NewTitleInput, { description: 'The new title.' }) input: NewTitleInput, @Ctx() ctx: RequestContext) {
    ctx.auth.catalogWrite();
    return this.newTitles.add(input);
  }

  @Mutation(() => Title, {
    description:
      "Sets where and when a title is licensed (admin tokens only); null: everywhere, always. Every source, row, similarTitles answer and artwork choice honours the viewer's country from the next request on.",
  })
  setTitleAvailability(
    @Arg('titleId', () => ID, { description: 'The title.' }) titleId: string,
    @Arg('availability', () => AvailabilityInput, { nullable: true, description: 'The licence; null: everywhere, always.' })
    availability: AvailabilityInput | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.auth.catalogWrite();
    return this.licences.set(nonEmptyId('titleId', titleId), availability);
  }

  @FieldResolver(() => TitleAvailability, { nullable: true, description: 'Where and when it is licensed; null: everywhere, always.' })
  availability(@Root() title: TitleRecord): TitleAvailability | null {
    const a = title.availability;
    if (!a) return null;
    return {
      countries: a.countries ?? null,
      from: a.from === undefined ? null : new Date(a.from),
      until: a.until === undefined ? null : new Date(a.until),
    };
  }

  @FieldResolver(() => [String])
  cast(@Root() title: TitleRecord): string[] {
    return title.cast.map((p) => p.name);
  }

  @FieldResolver(() => [String])
  directors(@Root() title: TitleRecord): string[] {
    return title.directors.map((p) => p.name);
  }

  @FieldResolver(() => Date)
  addedAt(@Root() title: TitleRecord): Date {
    return new Date(title.addedAt);
  }
}

@Resolver(() => Artwork)
export class ArtworkResolver {
  @FieldResolver(() => String)
  url(@Root() artwork: ArtworkRecord, @Ctx() ctx: RequestContext): string {
    return `${ctx.baseUrl}/artwork/${encodeURIComponent(artwork.id)}.svg`;
  }
}

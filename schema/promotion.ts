import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { RowKind as RowKindName } from '../src/pipeline/rows';
import type { PromotionInputData } from '../src/catalog/promotion-service';
import { RowKind } from './enums';
import { Title } from './title';

@ObjectType({ description: "A catalog admin's campaign for some titles (promoted titles are marked in their items' reasons)." })
export class Promotion {
  @Field(() => ID, { description: 'Stable id chosen at creation.' })
  id: string;

  @Field(() => String, { description: 'Shown in a placed item\'s reason after "Promoted: ".' })
  label: string;

  @Field(() => [Title], { description: 'The titles it promotes.' })
  titles: Title[];

  @Field(() => [String], { nullable: true, description: 'Countries it runs in; null: every country.' })
  countries: string[] | null;

  @Field(() => Date, { description: 'When it starts.' })
  from: Date;

  @Field(() => Date, { description: 'When it ends (endPromotion ends it early).' })
  until: Date;

  @Field(() => [RowKind], { description: 'Rows its titles may enter, in the order tried.' })
  rows: RowKindName[];

  @Field(() => Int, { description: 'A promoted title is placed at this position (0 first) or before.' })
  position: number;

  @Field(() => Float, { description: "At most this share of a row's slots holds promoted titles." })
  maxShare: number;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}

@InputType({ description: "A new promotion. It never overrides a maturity limit, a licence or a viewer's thumbs down." })
export class PromotionInput implements PromotionInputData {
  @Field(() => ID, { description: '1-64 lower-case letters, digits or dashes, unique.' })
  id: string;

  @Field(() => String, { description: '1-60 characters, e.g. "New season".' })
  label: string;

  @Field(() => [ID], { description: 'Catalog titles, 1-20.' })
  titleIds: string[];

  @Field(() => [String], { nullable: true, description: 'Upper-case ISO 3166-1 alpha-2 codes; left out: every country.' })
  countries?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'When it starts; default now.' })
  from?: Date | null;

  @Field(() => Date, { description: 'When it ends.' })
  until: Date;

  @Field(() => [RowKind], {
    nullable: true,
    description:
      'Rows its titles may enter, in the order tried (not CONTINUE_WATCHING or MY_LIST); default TOP_PICKS, TRENDING, NEW_RELEASES, GENRE.',
  })
  rows?: Exclude<RowKindName, 'CONTINUE_WATCHING' | 'MY_LIST'>[] | null;

  @Field(() => Int, { nullable: true, description: 'Position a promoted title is placed at or before, 0-19; default 2.' })
  position?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "At most this share of a row's slots for promoted titles, above 0 to 0.5; default 0.25.",
  })
  maxShare?: number | null;
}

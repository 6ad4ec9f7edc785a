import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ArtworkTheme, MaturityTier, TitleKind } from './enums';

@ObjectType({ simpleResolvers: true, description: 'One artwork variant of a title; the API picks which variant each viewer sees.' })
export class Artwork {
  @Field(() => ID, { description: 'Stable id of the variant.' })
  id: string;

  @Field(() => ID, { description: 'The title this artwork belongs to.' })
  titleId: string;

  @Field(() => ArtworkTheme, { description: 'What the variant emphasises.' })
  theme: string;

  @Field(() => String, { description: 'Absolute URL of the poster image (SVG).' })
  url: string;
}

@ObjectType({ simpleResolvers: true, description: 'A film or series in the catalog.' })
export class Title {
  @Field(() => ID, { description: 'Stable id of the title.' })
  id: string;

  @Field(() => String, { description: 'Display name.' })
  name: string;

  @Field(() => TitleKind, { description: 'Film or series.' })
  kind: string;

  @Field(() => String, { description: 'A one-sentence synopsis.' })
  description: string;

  @Field(() => [String], { description: 'Genres, most defining first.' })
  genres: string[];

  @Field(() => [String], { description: 'Moods and themes, e.g. "slow-burn", "heist".' })
  tags: string[];

  @Field(() => [String], { description: 'Names of the main cast, billing order.' })
  cast: string[];

  @Field(() => [String], { description: 'Names of the directors (or creators of a series).' })
  directors: string[];

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code of the production country.' })
  country: string;

  @Field(() => String, { description: 'ISO 639-1 code of the original language.' })
  language: string;

  @Field(() => Int, { description: 'Year of first release.' })
  releaseYear: number;

  @Field(() => String, { description: 'Maturity rating as printed, e.g. "TV-14".' })
  maturityRating: string;

  @Field(() => MaturityTier, { description: 'The maturity tier the rating belongs to.' })
  maturityTier: string;

  @Field(() => Int, { description: 'Film length, or typical episode length of a series, in minutes.' })
  runtimeMinutes: number;

  @Field(() => Int, { nullable: true, description: 'Number of seasons of a series; null for films.' })
  seasons: number | null;

  @Field(() => Int, { nullable: true, description: 'Aggregated critic score 0-100, when reviewed.' })
  criticScore: number | null;

  @Field(() => Date, { description: 'When the title joined the catalog.' })
  addedAt: Date;

  @Field(() => [Artwork], { description: 'Every artwork variant of the title.' })
  artwork: Artwork[];
}

@ObjectType({ simpleResolvers: true, description: 'A title similar to another, with how similar and why.' })
export class SimilarTitle {
  @Field(() => Title, { description: 'The similar title.' })
  title: Title;

  @Field(() => Float, { description: 'Similarity score; higher is more similar. Comparable within one answer only.' })
  score: number;

  @Field(() => String, { description: 'Why they are similar, e.g. "Same director: …; shared genres: …".' })
  reason: string;
}

@ObjectType({ simpleResolvers: true, description: 'Where and when a title is licensed.' })
export class TitleAvailability {
  @Field(() => [String], {
    nullable: true,
    description: 'ISO 3166-1 alpha-2 codes of the countries it is licensed in; null: every country.',
  })
  countries: string[] | null;

  @Field(() => Date, { nullable: true, description: 'When the licence starts; null: it has.' })
  from: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the licence ends; null: it does not.' })
  until: Date | null;
}

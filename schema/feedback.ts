import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from './profile';
import { Title } from './title';

export enum ThumbRating {
  UP = 'UP',
  DOWN = 'DOWN',
  NONE = 'NONE',
}
registerEnumType(ThumbRating, {
  name: 'ThumbRating',
  description: "A viewer's rating of a title.",
  valuesConfig: {
    UP: { description: 'Liked: counts like a finished watch of it, and anchors "Because You Liked" rows.' },
    DOWN: { description: "Disliked: never shown on the profile's pages again, and titles most like it are shown less." },
    NONE: { description: 'No rating (takes a rating back).' },
  },
});

@ObjectType({ description: 'What one profile told the service about one title.' })
export class TitleFeedback {
  @Field(() => Title, { description: 'The title.' })
  title: Title;

  @Field(() => ThumbRating, { description: 'Its rating, NONE when there is none.' })
  rating: ThumbRating;

  @Field(() => Date, { nullable: true, description: 'When the rating was given.' })
  ratedAt: Date | null;

  @Field(() => Boolean, { description: 'Marked "not interested": never shown on the profile\'s pages, like a thumbs down.' })
  notInterested: boolean;

  @Field(() => Boolean, { description: 'On My List.' })
  inMyList: boolean;

  @Field(() => Date, { nullable: true, description: 'When it was added to My List.' })
  addedToMyListAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When it was removed from Continue Watching; playing it again after that brings it back.',
  })
  removedFromContinueWatchingAt: Date | null;
}

@ObjectType({ description: 'A title on My List.' })
export class MyListEntry {
  @Field(() => Title, { description: 'The title.' })
  title: Title;

  @Field(() => Date, { description: 'When it was added.' })
  addedAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A My List entry and its cursor.' })
export class MyListEdge {
  @Field(() => String, { description: 'Opaque cursor of this entry.' })
  cursor: string;

  @Field(() => MyListEntry, { description: 'The entry.' })
  node: MyListEntry;
}

@ObjectType({ simpleResolvers: true, description: 'A page of My List, most recently added first.' })
export class MyListConnection {
  @Field(() => [MyListEdge], { description: 'Entries with their cursors.' })
  edges: MyListEdge[];

  @Field(() => [MyListEntry], { description: 'The entries of this page (same as edges.node).' })
  nodes: MyListEntry[];

  @Field(() => PageInfo, { description: 'Whether there is a next page, and how to ask for it.' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Number of titles on the list.' })
  totalCount: number;
}

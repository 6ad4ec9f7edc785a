import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { CandidateSource, Device, RowKind } from './enums';
import { Profile } from './profile';
import { Artwork, Title } from './title';
import { ExperimentAssignment } from './experiment';

@ObjectType({ simpleResolvers: true, description: 'The viewing context the page was built for, after defaults were applied.' })
export class ViewingContext {
  @Field(() => Device, { description: 'Device the page was built for.' })
  device: string;

  @Field(() => String, { description: "The viewer's wall-clock time, YYYY-MM-DDTHH:mm:ss." })
  localTime: string;

  @Field(() => Int, { description: 'Local hour, 0-23.' })
  localHour: number;

  @Field(() => Int, { description: 'Local weekday, 0 = Monday … 6 = Sunday.' })
  localWeekday: number;

  @Field(() => Int, { description: 'Seconds since the viewing session started.' })
  sessionSeconds: number;

  @Field(() => String, { description: 'Country the viewer is in, ISO 3166-1 alpha-2.' })
  country: string;
}

@ObjectType({ simpleResolvers: true, description: 'The score one retrieval source gave a title.' })
export class SourceScore {
  @Field(() => CandidateSource, { description: 'The source.' })
  source: string;

  @Field(() => Float, { description: 'Its score; scales differ between sources.' })
  score: number;
}

@ObjectType({ simpleResolvers: true, description: "The ranking model's predictions for one title in this context." })
export class HeadPredictions {
  @Field(() => Float, { description: 'Probability that the viewer plays the title when shown it.' })
  click: number;

  @Field(() => Float, { description: 'Probability that a play reaches 70% of the title.' })
  finish: number;

  // Named `return` in the schema: read through type-graphql's resolver, which knows the property is `ret`.
  @Field(() => Float, {
    name: 'return',
    simple: false,
    description: 'Probability that the viewer comes back the next day after playing it.',
  })
  ret: number;
}

@ObjectType({ simpleResolvers: true, description: "Scores behind an item's place on the page." })
export class Scores {
  @Field(() => Float, {
    description:
      "The ranker's utility, p(click) · (w_click + w_finish · p(finish) + w_return · p(return)); items in a row are ordered by it.",
  })
  utility: number;

  @Field(() => HeadPredictions, {
    nullable: true,
    description: "The model's head outputs; null when the model could not run and a heuristic ranked the page.",
  })
  predictions: HeadPredictions | null;

  @Field(() => Float, {
    description:
      'The uncertainty bonus that placed the title in an exploration slot (the service is still learning who likes it); 0 for titles placed by utility alone.',
  })
  explorationBonus: number;

  @Field(() => [SourceScore], { description: 'Each retrieval source that proposed the title, with its score.' })
  retrieval: SourceScore[];
}

@ObjectType({ simpleResolvers: true, description: 'One title on the homepage, with the artwork to show and why it is there.' })
export class RowItem {
  @Field(() => Int, { description: 'Position in the row, 0 first.' })
  position: number;

  @Field(() => Title, { description: 'The title.' })
  title: Title;

  @Field(() => Artwork, { description: 'The artwork variant chosen for this viewer.' })
  artwork: Artwork;

  @Field(() => String, { description: 'Why this title is here, for display or debugging.' })
  reason: string;

  @Field(() => String, {
    description:
      'Why this artwork variant was chosen for this viewer (the contextual bandit: a theme the viewer responds to, the variant viewers play most, or exploration).',
  })
  artworkReason: string;

  @Field(() => [CandidateSource], { description: 'Retrieval sources that proposed it.' })
  sources: string[];

  @Field(() => ID, {
    nullable: true,
    description: 'The promotion that placed it here (its reason then says "Promoted: …"); null for the rest.',
  })
  promotion?: string;

  @Field(() => Scores, { description: 'Scores behind its position.' })
  scores: Scores;

  @Field(() => [ExperimentAssignment], {
    description:
      "What to send as `experiments` with this item's impression: the page's experiments, with an interleaving's entry naming the ranker that placed the item.",
  })
  experiments: ExperimentAssignment[];
}

@ObjectType({ simpleResolvers: true, description: 'A horizontal row of titles on the homepage.' })
export class Row {
  @Field(() => ID, { description: 'Stable id of the row within a page, e.g. "genre:Crime".' })
  id: string;

  @Field(() => Int, { description: 'Position on the page, 0 at the top.' })
  position: number;

  @Field(() => RowKind, { description: 'What the row is built from.' })
  kind: string;

  @Field(() => String, { description: 'Heading to display, e.g. "Top Picks for Ana".' })
  displayTitle: string;

  @Field(() => String, { description: 'Why this row is on the page.' })
  reason: string;

  @Field(() => Float, {
    description:
      'The score that won the row its position: row-type prior (moved by device, time and session) · relevance of its visible titles · freshness · diversity against the rows above.',
  })
  score: number;

  @Field(() => [RowItem], { description: 'The titles, in display order.' })
  items: RowItem[];
}

@ObjectType({ simpleResolvers: true, description: 'A personalized homepage for one profile in one viewing context.' })
export class Homepage {
  @Field(() => ID, {
    description:
      "Id of this page view, which its impressions echo: the HTTP request's `X-Request-Id` (sent by the client or drawn by the server), `<id>.2`, `<id>.3` for further homepages in one request.",
  })
  requestId: string;

  @Field(() => Profile, { description: 'The profile the page is for.' })
  profile: Profile;

  @Field(() => ViewingContext, { description: 'The context the page was built for.' })
  context: ViewingContext;

  @Field(() => [Row], { description: 'Rows, top first.' })
  rows: Row[];

  @Field(() => String, { description: 'Version of the model bundle (retrieval and ranker) that built the page.' })
  modelVersion: string;

  @Field(() => [ExperimentAssignment], {
    description:
      "The experiment variants the server built the page under (empty when none). Clients echo each item's `experiments` with its impression; they never choose variants.",
  })
  experiments: ExperimentAssignment[];
}

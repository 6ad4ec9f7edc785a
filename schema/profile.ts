import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Device, MaturityTier } from './enums';
import { OnboardingAnswers, ProfileDataSummary } from './profile-data';
import { Title } from './title';

@ObjectType({ simpleResolvers: true, description: 'A subscription; it holds one to five profiles.' })
export class Account {
  @Field(() => ID, { description: 'Stable id of the account.' })
  id: string;

  @Field(() => String, { description: 'Home country, ISO 3166-1 alpha-2.' })
  country: string;

  @Field(() => [Profile], { description: 'The profiles of this account, ordered by id.' })
  profiles: Profile[];
}

@ObjectType({ simpleResolvers: true, description: 'One viewer within an account, with their own taste and history.' })
export class Profile {
  @Field(() => ID, { description: 'Stable id of the profile.' })
  id: string;

  @Field(() => String, { description: 'Display name.' })
  name: string;

  @Field(() => Boolean, { description: 'Whether this is a kids profile.' })
  isKids: boolean;

  @Field(() => MaturityTier, { description: 'Highest maturity tier this profile may be shown.' })
  maturityLimit: string;

  @Field(() => String, { description: 'Preferred language, ISO 639-1.' })
  language: string;

  @Field(() => Account, { description: 'The account the profile belongs to.' })
  account: Account;

  @Field(() => [ViewingEvent], { description: 'Playback reports of this profile, newest first.' })
  viewingHistory: ViewingEvent[];

  @Field(() => Boolean, { description: 'Whether homepages are personalized and behaviour is recorded (setPersonalization).' })
  personalization: boolean;

  @Field(() => OnboardingAnswers, {
    nullable: true,
    description: 'What the profile said it likes when it was set up (completeOnboarding).',
  })
  onboarding: OnboardingAnswers | null;

  @Field(() => ProfileDataSummary, { description: "What the service stores and derives about this profile's behaviour." })
  dataSummary: ProfileDataSummary;
}

@ObjectType({ simpleResolvers: true, description: 'One playback report in a viewing history.' })
export class ViewingEvent {
  @Field(() => ID, { description: 'The client-chosen id that makes reports idempotent.' })
  eventId: string;

  @Field(() => Title, { description: 'The title played.' })
  title: Title;

  @Field(() => Date, { description: 'When the report was made.' })
  occurredAt: Date;

  @Field(() => Float, { description: 'Fraction of the title watched so far, 0-1.' })
  progress: number;

  @Field(() => Device, { description: 'The device played on.' })
  device: string;
}

@ObjectType({ simpleResolvers: true, description: 'Paging state of a connection.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow the last one returned.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item returned; pass it as `after` for the next page.' })
  endCursor: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A profile and its cursor.' })
export class ProfileEdge {
  @Field(() => String, { description: 'Opaque cursor of this profile.' })
  cursor: string;

  @Field(() => Profile, { description: 'The profile.' })
  node: Profile;
}

@ObjectType({ simpleResolvers: true, description: 'A page of profiles, ordered by id.' })
export class ProfileConnection {
  @Field(() => [ProfileEdge], { description: 'Profiles with their cursors.' })
  edges: ProfileEdge[];

  @Field(() => [Profile], { description: 'The profiles of this page (same as edges.node).' })
  nodes: Profile[];

  @Field(() => PageInfo, { description: 'Whether there is a next page, and how to ask for it.' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Number of profiles in all pages.' })
  totalCount: number;
}

import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { MaturityTier as TierName } from '../src/domain/types';
import type { OnboardingData, ProfileFieldsData, ProfileUpdateData } from '../src/profiles/profile-input';
import { MaturityTier } from './enums';
import { Title } from './title';

export enum TasteVectorSource {
  TRAINED = 'TRAINED',
  FOLDED_IN = 'FOLDED_IN',
  NONE = 'NONE',
}
registerEnumType(TasteVectorSource, {
  name: 'TasteVectorSource',
  description: "Where the profile's taste vector (its collaborative-filtering embedding) comes from.",
  valuesConfig: {
    TRAINED: { description: 'Learned from its history by the last training run.' },
    FOLDED_IN: { description: 'Computed on this server from its history since then, against the trained title vectors.' },
    NONE: { description: 'There is none: no history (new, erased, or personalization off and no history kept).' },
  },
});

export enum ErasurePurge {
  DONE = 'DONE',
  PENDING = 'PENDING',
}
registerEnumType(ErasurePurge, {
  name: 'ErasurePurge',
  description: "Whether an erasure's events have left the storage files too, not only every answer.",
  valuesConfig: {
    DONE: { description: 'No stored file or database holds the erased events any more.' },
    PENDING: {
      description:
        "The erasure holds (it is durable and no answer shows the events), but the server's disk refused to rewrite its files, which still hold the events: the server retries until it succeeds, also after a restart. Nothing to do for the client.",
    },
  },
});

@ObjectType({ simpleResolvers: true, description: 'What deleteViewingHistory erased.' })
export class ViewingHistoryErasure {
  @Field(() => Date, { description: 'When the history was erased: reports of events before it are ignored from then on.' })
  erasedAt: Date;

  @Field(() => Int, { description: 'Playback reports erased.' })
  playbackEvents: number;

  @Field(() => Int, { description: 'Homepage impressions erased.' })
  impressionEvents: number;

  @Field(() => ErasurePurge, { description: 'Whether the storage files are rid of the erased events yet.' })
  purge: ErasurePurge;
}

@ObjectType({ simpleResolvers: true, description: 'What the profile said it likes when it was set up.' })
export class OnboardingAnswers {
  @Field(() => [String], { description: 'Genres picked.' })
  genres: string[];

  @Field(() => [Title], { description: 'Titles picked as seen and liked.' })
  titles: Title[];

  @Field(() => Date, { description: 'When the answers were given.' })
  completedAt: Date;
}

@ObjectType({
  simpleResolvers: true,
  description: 'What the service stores and derives about one profile\'s behaviour: the answer to "what do you know about me?".',
})
export class ProfileDataSummary {
  @Field(() => String, { description: "The same, in one plain sentence for the profile's settings page." })
  description: string;

  @Field(() => Boolean, { description: 'Whether homepages are personalized and behaviour is recorded.' })
  personalization: boolean;

  @Field(() => Int, { description: 'Playback reports stored.' })
  playbackEvents: number;

  @Field(() => Int, { description: 'Homepage impressions stored (titles shown to the profile).' })
  impressionEvents: number;

  @Field(() => Int, { description: 'Titles with a watch state (progress, plays, first and last time).' })
  titlesWatched: number;

  @Field(() => Date, { nullable: true, description: 'The oldest stored event.' })
  firstActivityAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'The newest stored event.' })
  lastActivityAt: Date | null;

  @Field(() => Int, {
    description: 'Artwork themes the bandit keeps counters of for this profile (how it responds to e.g. dark or romantic artwork).',
  })
  artworkThemeCounters: number;

  @Field(() => Int, { description: 'Titles rated thumbs up or down (erased with the history).' })
  ratedTitles: number;

  @Field(() => Int, { description: 'Titles marked "not interested" (erased with the history).' })
  notInterestedTitles: number;

  @Field(() => Int, { description: 'Titles on My List (kept when the history is erased).' })
  myListTitles: number;

  @Field(() => Int, { description: "Titles the ranker counts as shown to the profile in the last four weeks (this server's memory)." })
  recentlyShownTitles: number;

  @Field(() => TasteVectorSource, { description: 'Where its taste vector comes from.' })
  tasteVector: TasteVectorSource;

  @Field(() => OnboardingAnswers, { nullable: true, description: 'Its onboarding answers, if any.' })
  onboarding: OnboardingAnswers | null;

  @Field(() => Date, { nullable: true, description: 'When its viewing history was last erased.' })
  historyErasedAt: Date | null;
}

@InputType({ description: 'A new profile in the calling account (at most 5 per account).' })
export class NewProfileInput implements ProfileFieldsData {
  @Field(() => String, { description: '1-40 characters, unique within the account (case-insensitive).' })
  name: string;

  @Field(() => Boolean, { nullable: true, description: 'A kids profile (default false); its maturity limit is at most OLDER_KIDS.' })
  isKids?: boolean | null;

  @Field(() => MaturityTier, {
    nullable: true,
    description: 'Highest maturity tier shown (default OLDER_KIDS for kids, ADULTS otherwise).',
  })
  maturityLimit?: TierName | null;

  @Field(() => String, {
    nullable: true,
    description: 'Preferred language, lower-case ISO 639-1 (default: that of the account\'s first profile, else "en").',
  })
  language?: string | null;
}

@InputType({ description: 'Changes to a profile; fields left out stay as they are.' })
export class ProfileUpdateInput implements ProfileUpdateData {
  @Field(() => String, { nullable: true, description: '1-40 characters, unique within the account.' })
  name?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Make it a kids profile (its limit drops to OLDER_KIDS unless maturityLimit is given) or an adult one.',
  })
  isKids?: boolean | null;

  @Field(() => MaturityTier, {
    nullable: true,
    description: 'Highest maturity tier shown; applies to the next homepage, similar titles and everything else.',
  })
  maturityLimit?: TierName | null;

  @Field(() => String, { nullable: true, description: 'Preferred language, lower-case ISO 639-1.' })
  language?: string | null;
}

@InputType({ description: 'Onboarding answers of a new profile: genres it likes and titles it has seen and liked.' })
export class OnboardingInput implements OnboardingData {
  @Field(() => [String], { description: 'Genre names from the catalog, at most 10.' })
  genres: string[];

  @Field(() => [String], { description: "Title ids within the profile's maturity limit, at most 20." })
  titleIds: string[];
}

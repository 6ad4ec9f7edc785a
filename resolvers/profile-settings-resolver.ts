import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Onboarding, Profile as ProfileRecord } from '../src/domain/types';
import type { PrivacyService, ProfileDataSummary as SummaryRecord } from '../src/profiles/privacy-service';
import type { ProfileService } from '../src/profiles/profile-service';
import type { RequestContext } from '../src/server/context';
import { Profile } from '../schema/profile';
import {
  ErasurePurge,
  NewProfileInput,
  OnboardingAnswers,
  OnboardingInput,
  ProfileDataSummary,
  ProfileUpdateInput,
  type TasteVectorSource,
  ViewingHistoryErasure,
} from '../schema/profile-data';
import { nonEmptyId } from './args';

const PROFILE_ID = "One of the calling account's profiles.";

/** Profile settings, onboarding and privacy: each mutation acts on one of the calling account's profiles. */
@Resolver(() => Profile)
export class ProfileSettingsResolver {
  constructor(
    private readonly profiles: ProfileService,
    private readonly privacy: PrivacyService,
  ) {}

  @Mutation(() => Profile, {
    description:
      'Adds a profile to the calling account (at most 5). It starts with a cold-start homepage; completeOnboarding personalizes it at once.',
  })
  async createProfile(
    @Arg('input', () => NewProfileInput, { description: 'Name and settings of the new profile.' }) input: NewProfileInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.profiles.create(ctx.auth.accountId(), input);
  }

  @Mutation(() => Profile, {
    description: "Changes a profile's name, kids flag, maturity limit or language; the next homepage applies them.",
  })
  async updateProfile(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('input', () => ProfileUpdateInput, { description: 'The settings to change.' }) input: ProfileUpdateInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.profiles.update(await ctx.auth.profile(nonEmptyId('profileId', profileId)), input);
  }

  @Mutation(() => Profile, {
    description:
      'Stores what a new viewer likes: the next homepage folds the picked titles into its taste vector and weighs the genres, before any viewing.',
  })
  async completeOnboarding(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('input', () => OnboardingInput, { description: 'Genres and titles the viewer picked.' }) input: OnboardingInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.profiles.completeOnboarding(await ctx.auth.profile(nonEmptyId('profileId', profileId)), input);
  }

  @Mutation(() => Profile, {
    description:
      'Switches personalization. Off: homepages are the non-personalized ones a new profile in the country gets, and playback and impressions of the profile are not recorded (they are acknowledged as `ignored`) until it is switched on again. Stored history is kept; deleteViewingHistory erases it.',
  })
  async setPersonalization(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Arg('enabled', () => Boolean, { description: 'True to personalize and record, false to stop both.' }) enabled: boolean,
    @Ctx() ctx: RequestContext,
  ) {
    return this.profiles.setPersonalization(await ctx.auth.profile(nonEmptyId('profileId', profileId)), enabled);
  }

  @Mutation(() => ViewingHistoryErasure, {
    description:
      'Erases the profile\'s viewing history: playback and impression events, watch state, onboarding answers, thumbs, "not interested" marks and Continue Watching removals (My List stays), its artwork counters and its share of shared ones, and what servers derived from them (taste vector, exposure, cached pages). The next homepage is a cold-start one. Reports with a time before the erasure are ignored from then on. Answers what was erased and whether the storage files are rid of it yet (`purge`); STORE_UNAVAILABLE (retryable) when the store could not record the erasure, so nothing was erased.',
  })
  async deleteViewingHistory(
    @Arg('profileId', () => ID, { description: PROFILE_ID }) profileId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ViewingHistoryErasure> {
    const erased = await this.privacy.eraseHistory(await ctx.auth.profile(nonEmptyId('profileId', profileId)));
    return {
      erasedAt: new Date(erased.profile.historyDeletedAt!),
      playbackEvents: erased.playbacks.length,
      impressionEvents: erased.impressions.length,
      purge: erased.purgePending ? ErasurePurge.PENDING : ErasurePurge.DONE,
    };
  }

  @FieldResolver(() => Boolean)
  personalization(@Root() profile: ProfileRecord): boolean {
    return !profile.personalizationOff;
  }

  @FieldResolver(() => OnboardingAnswers, { nullable: true })
  onboarding(@Root() profile: ProfileRecord): Onboarding | null {
    return profile.onboarding ?? null;
  }

  @FieldResolver(() => ProfileDataSummary)
  async dataSummary(@Root() profile: ProfileRecord): Promise<ProfileDataSummary> {
    return toSummary(await this.privacy.summary(profile));
  }
}

@Resolver(() => OnboardingAnswers)
export class OnboardingAnswersResolver {
  @FieldResolver()
  titles(@Root() answers: Onboarding, @Ctx() ctx: RequestContext) {
    return Promise.all(answers.titleIds.map((id) => ctx.loaders.title.load(id)));
  }

  @FieldResolver(() => Date)
  completedAt(@Root() answers: Onboarding): Date {
    return new Date(answers.completedAt);
  }
}

const when = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function toSummary(s: SummaryRecord): ProfileDataSummary {
  const { profile } = s;
  return {
    description: describe(s),
    personalization: !profile.personalizationOff,
    playbackEvents: s.playbacks,
    impressionEvents: s.impressions,
    titlesWatched: s.titles,
    firstActivityAt: when(s.firstEventAt),
    lastActivityAt: when(s.lastEventAt),
    artworkThemeCounters: s.artworkThemes,
    ratedTitles: s.ratings,
    notInterestedTitles: s.notInterested,
    myListTitles: s.myList,
    recentlyShownTitles: s.exposureTitles,
    tasteVector: s.tasteVector as TasteVectorSource,
    onboarding: (profile.onboarding ?? null) as unknown as OnboardingAnswers | null,
    historyErasedAt: when(profile.historyDeletedAt),
  };
}

const titles = (n: number) => (n === 1 ? '1 title is' : `${n} titles are`);

/** One sentence a settings page can show as it is. */
function describe(s: SummaryRecord): string {
  const activity =
    s.playbacks + s.impressions === 0
      ? 'No viewing activity is stored'
      : `${s.playbacks} playback reports of ${s.titles} titles and ${s.impressions} homepage impressions are stored, from ${day(s.firstEventAt!)} to ${day(s.lastEventAt!)}`;
  const onboarding = s.profile.onboarding
    ? `, with ${s.profile.onboarding.genres.length} genres and ${s.profile.onboarding.titleIds.length} titles from onboarding`
    : '';
  const vector = { TRAINED: 'a taste vector learned from them', FOLDED_IN: 'a taste vector computed from them', NONE: 'no taste vector' }[
    s.tasteVector
  ];
  const controls =
    s.ratings + s.notInterested + s.myList === 0
      ? ''
      : ` ${titles(s.ratings)} rated, ${s.notInterested} marked "not interested" and ${s.myList} on My List.`;
  const switch_ = s.profile.personalizationOff ? 'Personalization is off: nothing new is recorded' : 'Personalization is on';
  const erased = s.profile.historyDeletedAt ? ` History was erased on ${day(s.profile.historyDeletedAt)}.` : '';
  return `${activity}${onboarding}, and ${vector}.${controls} ${switch_}.${erased}`;
}

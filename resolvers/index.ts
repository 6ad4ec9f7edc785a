import { AccountResolver, ProfileResolver, ViewingEventResolver } from './profile-resolver';
import { HomepageResolver } from './homepage-resolver';
import { PlaybackResolver } from './playback-resolver';
import { OnboardingAnswersResolver, ProfileSettingsResolver } from './profile-settings-resolver';
import { ArtworkResolver, TitleResolver } from './title-resolver';
import { ExperimentResolver } from './experiment-resolver';
import { MonitoringResolver } from './monitoring-resolver';
import { FeedbackResolver, MyListEntryResolver, TitleFeedbackResolver } from './feedback-resolver';
import { PromotionResolver } from './promotion-resolver';

export const RESOLVERS = [
  HomepageResolver,
  TitleResolver,
  ArtworkResolver,
  ProfileResolver,
  AccountResolver,
  ViewingEventResolver,
  PlaybackResolver,
  ProfileSettingsResolver,
  OnboardingAnswersResolver,
  FeedbackResolver,
  PromotionResolver,
  TitleFeedbackResolver,
  MyListEntryResolver,
  ExperimentResolver,
  MonitoringResolver,
] as const;

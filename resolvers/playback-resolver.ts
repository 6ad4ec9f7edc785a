import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../src/server/context';
import type { ImpressionService } from '../src/events/impression-service';
import type { PlaybackService } from '../src/events/playback-service';
import { ImpressionEventInput, PlaybackEventInput, RecordResult } from '../schema/inputs';

@Resolver()
export class PlaybackResolver {
  constructor(
    private readonly playback: PlaybackService,
    private readonly impressions: ImpressionService,
  ) {}

  @Mutation(() => RecordResult, {
    description:
      "Records playback reports (at most 500) of the calling account's profiles. All or nothing: one invalid event, or one naming another account's profile, rejects the batch. Durable when it returns; idempotent by profile and eventId.",
  })
  async recordPlayback(
    @Arg('events', () => [PlaybackEventInput], { description: 'The reports.' }) events: PlaybackEventInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<RecordResult> {
    const { accepted, duplicates, ignored } = await this.playback.record(events, await ownProfiles(ctx, events));
    return { accepted, duplicates, ignored };
  }

  @Mutation(() => RecordResult, {
    description:
      "Records which titles a homepage showed (at most 500) to the calling account's profiles. All or nothing; durable when it returns; idempotent by profile and eventId. They teach the ranker how often each title was shown and how often it was played once shown.",
  })
  async recordImpressions(
    @Arg('events', () => [ImpressionEventInput], { description: 'The impressions.' }) events: ImpressionEventInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<RecordResult> {
    const { accepted, duplicates, ignored } = await this.impressions.record(events, await ownProfiles(ctx, events));
    return { accepted, duplicates, ignored };
  }
}

/** Every event's profile must be the caller's: a batch naming another account's profile is refused whole, before anything is written. */
function ownProfiles(ctx: RequestContext, events: readonly { profileId: string }[]) {
  return ctx.auth.profiles(
    events.map((e) => e.profileId),
    (i) => `events[${i}].profileId`,
  );
}

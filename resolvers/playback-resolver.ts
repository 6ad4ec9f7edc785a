import { Arg, Mutation, Resolver } from 'type-graphql';
import type { Services } from '../src/server/services';
import { ImpressionEventInput, PlaybackEventInput, RecordResult } from '../schema/inputs';

@Resolver()
export class PlaybackResolver {
  constructor(private readonly services: Services) {}

  @Mutation(() => RecordResult, {
    description: 'Records playback reports (at most 500). All or nothing: one invalid event rejects the batch. Durable when it returns; idempotent by eventId.',
  })
  async recordPlayback(@Arg('events', () => [PlaybackEventInput], { description: 'The reports.' }) events: PlaybackEventInput[]): Promise<RecordResult> {
    const { accepted, duplicates } = await this.services.playback.record(events as Parameters<Services['playback']['record']>[0]);
    return { accepted, duplicates };
  }

  @Mutation(() => RecordResult, {
    description: 'Records which titles a homepage showed (at most 500). All or nothing; durable when it returns; idempotent by eventId. They teach the ranker how often each title was shown and how often it was played once shown.',
  })
  async recordImpressions(@Arg('events', () => [ImpressionEventInput], { description: 'The impressions.' }) events: ImpressionEventInput[]): Promise<RecordResult> {
    const { accepted, duplicates } = await this.services.impressions.record(events as Parameters<Services['impressions']['record']>[0]);
    return { accepted, duplicates };
  }
}

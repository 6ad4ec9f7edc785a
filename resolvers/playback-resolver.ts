import { Arg, Mutation, Resolver } from 'type-graphql';
import type { Services } from '../src/server/services';
import { PlaybackEventInput, RecordResult } from '../schema/inputs';

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
}

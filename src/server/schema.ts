import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema } from 'graphql';
import path from 'node:path';
import { buildSchema, type ContainerType } from 'type-graphql';
import { RESOLVERS } from '../../resolvers';
import { AccountResolver, ProfileResolver } from '../../resolvers/profile-resolver';
import { HomepageResolver } from '../../resolvers/homepage-resolver';
import { PlaybackResolver } from '../../resolvers/playback-resolver';
import { ProfileSettingsResolver } from '../../resolvers/profile-settings-resolver';
import { TitleResolver } from '../../resolvers/title-resolver';
import { ExperimentResolver } from '../../resolvers/experiment-resolver';
import { MonitoringResolver } from '../../resolvers/monitoring-resolver';
import { FeedbackResolver } from '../../resolvers/feedback-resolver';
import { PromotionResolver } from '../../resolvers/promotion-resolver';
import { projectRoot } from '../shared/paths';
import type { Services } from './services';

type ResolverClass = abstract new (...args: never[]) => unknown;

/** Where the committed SDL lives; a test fails when it differs from what the code emits. */
export const SCHEMA_FILE = path.join(projectRoot(), 'schema', 'schema.graphql');

/**
 * Builds the executable schema. Each resolver class gets the services it uses through its
 * constructor; without services (emitting the SDL) no resolver is ever instantiated.
 */
export async function buildAppSchema(services?: Services): Promise<GraphQLSchema> {
  const instances = services ? resolverInstances(services) : new Map<ResolverClass, unknown>();
  const container: ContainerType = {
    // Field-only resolvers (rows, artwork, events) take nothing.
    get: (someClass: new () => unknown) => instances.get(someClass) ?? new someClass(),
  };
  const schema = await buildSchema({ resolvers: RESOLVERS, container, validate: false });
  return describeRoots(schema);
}

/** The resolvers that call services, each built with exactly the services it uses. */
function resolverInstances(s: Services): Map<ResolverClass, unknown> {
  return new Map<ResolverClass, unknown>([
    [HomepageResolver, new HomepageResolver(s.homepage)],
    [TitleResolver, new TitleResolver(s.similarity, s.newTitles, s.availability)],
    [ProfileResolver, new ProfileResolver(s.profiles)],
    [AccountResolver, new AccountResolver(s.profiles)],
    [PlaybackResolver, new PlaybackResolver(s.playback, s.impressions)],
    [ProfileSettingsResolver, new ProfileSettingsResolver(s.profiles, s.privacy)],
    [FeedbackResolver, new FeedbackResolver(s.feedback)],
    [PromotionResolver, new PromotionResolver(s.promotions)],
    [ExperimentResolver, new ExperimentResolver(s.experiments)],
    [MonitoringResolver, new MonitoringResolver(s.monitoring.quality)],
  ]);
}

/** type-graphql cannot describe the root types, so their descriptions are added here. */
function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  const describe = (type: GraphQLObjectType | null | undefined, description: string) =>
    type ? new GraphQLObjectType({ ...type.toConfig(), description }) : undefined;
  const query = describe(schema.getQueryType(), 'Reads: homepages, titles, similar titles, profiles.')!;
  const mutation = describe(
    schema.getMutationType(),
    'Writes: viewing events, viewer feedback, profiles, titles and experiments. Every write is validated and durable; event writes are idempotent.',
  );
  const others = Object.values(schema.getTypeMap()).filter((t) => t !== schema.getQueryType() && t !== schema.getMutationType());
  return new GraphQLSchema({ ...schema.toConfig(), query, mutation, types: others });
}

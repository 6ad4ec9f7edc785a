import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema } from 'graphql';
import path from 'node:path';
import { buildSchema, type ContainerType } from 'type-graphql';
import { RESOLVERS } from '../../resolvers';
import { projectRoot } from '../shared/paths';
import type { Services } from './services';

/** Where the committed SDL lives; a test fails when it differs from what the code emits. */
export const SCHEMA_FILE = path.join(projectRoot(), 'schema', 'schema.graphql');

/**
 * Builds the executable schema. Resolver classes get the services through their constructor;
 * without services (emitting the SDL) no resolver is ever instantiated.
 */
export async function buildAppSchema(services?: Services): Promise<GraphQLSchema> {
  const container: ContainerType = {
    get: (someClass: new (s?: Services) => unknown) => new someClass(services),
  };
  const schema = await buildSchema({ resolvers: RESOLVERS, container, validate: false });
  return describeRoots(schema);
}

/** type-graphql cannot describe the root types, so their descriptions are added here. */
function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  const describe = (type: GraphQLObjectType | null | undefined, description: string) =>
    type ? new GraphQLObjectType({ ...type.toConfig(), description }) : undefined;
  const query = describe(schema.getQueryType(), 'Reads: homepages, titles, similar titles, profiles.')!;
  const mutation = describe(schema.getMutationType(), 'Writes: viewing events. Every write is validated, durable and idempotent.');
  const others = Object.values(schema.getTypeMap()).filter((t) => t !== schema.getQueryType() && t !== schema.getMutationType());
  return new GraphQLSchema({ ...schema.toConfig(), query, mutation, types: others });
}

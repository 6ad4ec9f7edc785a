import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import path from 'node:path';
import { buildSchema, type ContainerType } from 'type-graphql';
import { RESOLVERS } from '../../resolvers';
import { projectRoot } from '../config/paths';
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
  return buildSchema({ resolvers: RESOLVERS, container, validate: false });
}

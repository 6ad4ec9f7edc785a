import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, GraphQLError, printSchema, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { RequestContext } from './context';
import { emptyAnswer, leafKeys } from './released-answers';

/**
 * Distinct operations kept compiled. A frontend sends a handful; the bound keeps a client that
 * sends endless variants from growing the cache (each one is still parsed, validated and limited
 * before it gets here).
 */
const COMPILED_OPERATIONS = 500;

/** Apollo's gateway interface, named through the options that take it (its own package is Apollo's dependency, not ours). */
type GatewayInterface = ApolloServerOptionsWithGateway<object>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/**
 * Executes validated operations with graphql-jit instead of graphql-js's generic executor: each
 * distinct operation (query text and operation name) is compiled once into a function that walks
 * exactly its selection, with property reads inlined for fields that have no resolver. Apollo
 * Server still parses, validates, applies the limit plugins, formats errors and serialises; only
 * `execute` is replaced, through the executor hook Apollo offers gateways.
 *
 * An operation graphql-jit cannot compile runs on graphql-js, so the answer never depends on it.
 * Either way, an answer's tree is emptied once its HTTP response is written (released-answers.ts).
 */
export class CompiledExecutor implements GatewayInterface {
  private readonly compiled = new LRUCache<string, { query: CompiledQuery | 'generic'; leaves: ReadonlySet<string> }>({
    max: COMPILED_OPERATIONS,
  });

  constructor(private readonly schema: GraphQLSchema) {}

  onSchemaLoadOrUpdate(callback: (schema: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void): () => void {
    callback({ apiSchema: this.schema, coreSupergraphSdl: printSchema(this.schema) });
    return () => undefined;
  }

  async load(): Promise<{ executor: GatewayExecutor }> {
    return { executor: (request) => this.execute(request) };
  }

  async stop(): Promise<void> {
    this.compiled.clear();
  }

  private async execute({ document, operation, queryHash, request, context }: Parameters<GatewayExecutor>[0]): Promise<ExecutionResult> {
    // The name the client sent: Apollo's own `operationName` is that of the operation it resolved (null when none).
    const { operationName } = request;
    const generic = () =>
      execute({ schema: this.schema, document, contextValue: context, variableValues: request.variables, operationName });
    // No operation of that name (or several without one): graphql-js answers with the error
    // Apollo expects (OPERATION_RESOLUTION_FAILURE); graphql-jit would run the document's only one.
    if (!operation) return generic();
    const key = `${queryHash}:${operationName ?? ''}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      const result = compileQuery(this.schema, document, operationName);
      compiled = { query: isCompiledQuery(result) ? result : 'generic', leaves: leafKeys(this.schema, document) };
      this.compiled.set(key, compiled);
    }
    const { query, leaves } = compiled;
    const jit = query === 'generic' ? undefined : await query.query(undefined, context, request.variables ?? {});
    // No data: the variables were refused before anything ran. graphql-js refuses them again with
    // the errors Apollo recognises as the client's (BAD_USER_INPUT, HTTP 400).
    const result = jit && 'data' in jit ? asGraphqlJsErrors(jit) : await generic();
    const { data } = result;
    if (data) (context as RequestContext).afterResponse(() => emptyAnswer(data, leaves));
    return result;
  }
}

/**
 * graphql-jit's errors inherit from graphql-js's but leave `extensions` undefined when the thrown
 * error had none, which Apollo's error formatting reads unguarded. They are re-created as
 * graphql-js errors with the same message, path, locations and cause, as the generic path makes.
 */
function asGraphqlJsErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError, extensions: e.extensions });
    Object.assign(error, { locations: e.locations });
    return error;
  });
  // graphql-js writes errors before data: the JSON a client receives stays the same byte for byte.
  return { errors, data: result.data };
}

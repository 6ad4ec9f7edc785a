import {
  execute,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type DocumentNode,
  type ExecutionResult,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { GraphQLJSONObject } from 'graphql-scalars';
import { emptyAnswer, leafKeys } from '../../src/server/released-answers';

/** What resolvers own and hand out again on every request: none of it may change when an answer is emptied. */
const owned = () => {
  const meta = { owner: { name: 'ada' }, years: [1815, 1852] };
  const tags = ['poetry', 'science'];
  return { meta, tags, shelf: { name: 'analytical', books: [{ title: 'Notes', tags, meta }], settings: meta } };
};

function schemaOver(root: ReturnType<typeof owned>['shelf']): GraphQLSchema {
  const book = new GraphQLObjectType({
    name: 'Book',
    fields: { title: { type: GraphQLString }, tags: { type: new GraphQLList(GraphQLString) }, meta: { type: GraphQLJSONObject } },
  });
  const shelf = new GraphQLObjectType({
    name: 'Shelf',
    fields: { name: { type: GraphQLString }, books: { type: new GraphQLList(book) }, settings: { type: GraphQLJSONObject } },
  });
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { shelf: { type: shelf, resolve: () => root } } }) });
}

/** graphql-jit's answer to `document`, compiled as the server's executor compiles it. */
async function compiled(schema: GraphQLSchema, document: DocumentNode): Promise<ExecutionResult> {
  const query = compileQuery(schema, document);
  if (!isCompiledQuery(query)) throw new Error('graphql-jit could not compile the query');
  return query.query(undefined, {}, {});
}

/** The values an object of the answer still holds after emptying: none but nulls are expected. */
function remains(data: unknown): unknown[] {
  const left: unknown[] = [];
  for (const value of Object.values(data as Record<string, unknown>)) if (value !== null) left.push(value);
  return left;
}

describe('emptying an answer once it is sent', () => {
  // An alias that names a JSON value in one place and a list of books in another must not be entered.
  const query = `{ shelf { __typename name books { title tags meta } first: books { title } settings meta: books { title } } }`;

  it.each(['graphql-js', 'graphql-jit'])(
    'unlinks every node %s built and leaves the values resolvers own as they were',
    async (executor) => {
      const { meta, tags, shelf } = owned();
      const before = JSON.stringify(owned());
      const schema = schemaOver(shelf);
      const document = parse(query);
      const result = (
        executor === 'graphql-js' ? await execute({ schema, document }) : await compiled(schema, document)
      ) as ExecutionResult;
      expect(result.errors).toBeUndefined();
      const data = result.data as { shelf: { books: unknown[]; first: unknown[] } };
      expect(data.shelf.books).toEqual([{ title: 'Notes', tags, meta }]);
      const { books, first } = data.shelf;
      const shelfNode = data.shelf;
      const book = books[0];

      const leaves = leafKeys(schema, document);
      expect([...leaves].sort()).toEqual(['__typename', 'meta', 'name', 'settings', 'tags', 'title']);
      emptyAnswer(result.data, leaves);

      expect(remains(result.data)).toEqual([]);
      expect(remains(shelfNode)).toEqual([]);
      expect(remains(book)).toEqual([]);
      expect(books).toHaveLength(0);
      expect(first).toHaveLength(0);
      expect(JSON.stringify({ meta, tags, shelf })).toBe(before);
    },
  );

  it('takes a field the schema does not know as a leaf and passes over scalars at the top', () => {
    const { shelf } = owned();
    const schema = schemaOver(shelf);
    expect(leafKeys(schema, parse('{ shelf { nothing } }')).has('nothing')).toBe(true);
    expect(() => emptyAnswer(null, new Set())).not.toThrow();
    const list = [1, 'two', null, [3]];
    emptyAnswer(list, new Set());
    expect(list).toEqual([]);
  });
});

import { promises as fs } from 'node:fs';
import { buildSchema, isEnumType, isInputObjectType, isObjectType } from 'graphql';
import { emittedSdl } from '../../src/server/emit-schema';
import { buildAppSchema, SCHEMA_FILE } from '../../src/server/schema';

describe('GraphQL schema', () => {
  it('matches the committed schema/schema.graphql (run `npm run schema` after changing schema/ or resolvers/)', async () => {
    expect(await fs.readFile(SCHEMA_FILE, 'utf8')).toBe(await emittedSdl());
  });

  it('describes every type, field, argument and enum value', async () => {
    const schema = buildSchema(await emittedSdl());
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type) && type.getValues().length === 0) missing.push(`${type.name} values`);
    }
    expect(missing).toEqual([]);
  });

  it('has the types the frontends rely on', async () => {
    const schema = buildSchema(await emittedSdl());
    for (const name of ['Profile', 'Account', 'Homepage', 'Row', 'RowItem', 'Title', 'Artwork', 'ViewingContextInput']) {
      expect(schema.getType(name)).toBeDefined();
    }
    const profile = schema.getType('Profile');
    expect(isObjectType(profile) && profile.getFields().viewingHistory.args.map((a) => a.name)).toEqual(['first']);
  });

  it("reads a homepage's fields as plain properties: no per-field resolver wrapper on the page's types", async () => {
    const schema = await buildAppSchema();
    const wrapped: string[] = [];
    for (const name of ['Homepage', 'ViewingContext', 'Row', 'RowItem', 'Scores', 'HeadPredictions', 'SourceScore', 'Title']) {
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      for (const field of Object.values(type.getFields())) if (field.resolve) wrapped.push(`${name}.${field.name}`);
    }
    // The only ones that compute something (names of people, Dates; Artwork.url, not listed, from the
    // request's host) and HeadPredictions.return, whose property is `ret`.
    expect(wrapped.sort()).toEqual(['HeadPredictions.return', 'Title.addedAt', 'Title.availability', 'Title.cast', 'Title.directors']);
  });
});

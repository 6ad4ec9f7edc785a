import { Command } from 'commander';
import { promises as fs } from 'node:fs';
import { printSchema } from 'graphql';
import { buildAppSchema, SCHEMA_FILE } from './schema';
import { errorStack } from '../shared/error-message';

/** `npm run schema`: writes schema/schema.graphql from the type-graphql classes. */
export async function emittedSdl(): Promise<string> {
  return `${printSchema(await buildAppSchema())}\n`;
}

if (require.main === module) {
  new Command('schema').description(`Write ${SCHEMA_FILE} from the type-graphql classes in schema/ and resolvers/.`).parse();
  emittedSdl()
    .then((sdl) => fs.writeFile(SCHEMA_FILE, sdl))
    .then(() => process.stdout.write(`wrote ${SCHEMA_FILE}\n`))
    .catch((err) => {
      process.stderr.write(`${errorStack(err)}\n`);
      process.exit(1);
    });
}

import { getNamedType, isLeafType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

// Why an answer's tree is emptied once its response is written: V8's minor collector keeps a young
// object alive whenever an object of the old generation points at it, whether that object is
// still reachable or not. A homepage's tree is written over several turns of the event loop; its
// nodes that were promoted in the meantime keep what was written into them afterwards alive, so
// that each minor collection promotes it too, until the next full collection. Under load that
// was 136-276 KB of dead tree promoted per page and a full collection every ~45 s with pauses
// up to 300 ms; with the tree emptied, 37-42 KB (docs/PERFORMANCE.md, ninth round).

/**
 * The response keys (alias or field name) at which `document` selects a scalar or an enum. What
 * a scalar serialises to may be an object the resolver still owns (a JSONObject), so a tree is
 * never walked below these keys, only unlinked from them. Any other key holds what the executor
 * built for this answer alone: objects for composite fields and arrays for lists. A key that is a
 * leaf in one place and composite in another counts as a leaf: less is emptied, nothing foreign.
 */
export function leafKeys(schema: GraphQLSchema, document: DocumentNode): ReadonlySet<string> {
  const keys = new Set<string>(['__typename']);
  const types = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(types, {
      Field(node) {
        const type = types.getType();
        // A field the schema does not know never reached execution; taken as a leaf all the same.
        if (!type || isLeafType(getNamedType(type))) keys.add(node.alias?.value ?? node.name.value);
      },
    }),
  );
  return keys;
}

/**
 * Empties an executed answer's tree (`data`) in place: every object the executor built has its
 * keys set to null and every list it built is cut to length 0. Values at `leaves` are unlinked,
 * never entered. The answer must have been serialised already.
 */
export function emptyAnswer(data: unknown, leaves: ReadonlySet<string>): void {
  const pending: unknown[] = [data];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) pending.push(item);
      node.length = 0;
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!leaves.has(key)) pending.push(record[key]);
      record[key] = null;
    }
  }
}

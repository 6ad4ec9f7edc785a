import path from 'node:path';
import { EmbeddedStore } from './embedded/embedded-store';
import { FollowerStore } from './embedded/follower-store';
import type { StoreOwner } from './embedded/store-owner';
import { connectNeo4j, type Neo4jConnection } from './neo4j/connect';
import { Neo4jStore } from './neo4j/neo4j-store';
import type { Store } from './store';

export type StoreSettings = { kind: 'embedded'; dataDir: string } | { kind: 'neo4j'; connection: Neo4jConnection };

export interface OpenStoreOptions {
  /** For a job beside a running server (training): the embedded store then reads only. */
  readOnly?: boolean;
  /** For a cluster worker: the embedded store is then a copy that follows its owner's (the primary's) and has it write. */
  owner?: StoreOwner;
  log?: { info(msg: string): void; warn(msg: string): void };
}

/** Opens the configured store: the embedded one in `dataDir/store`, or Neo4j (retrying while it starts). */
export async function openStore(settings: StoreSettings, o: OpenStoreOptions = {}): Promise<Store> {
  if (settings.kind === 'neo4j') {
    const { driver, cypher } = await connectNeo4j(settings.connection, (msg) => o.log?.warn(msg));
    o.log?.info(`connected to Neo4j at ${settings.connection.uri}`);
    return Neo4jStore.open(cypher, () => driver.close());
  }
  const dir = embeddedStoreDir(settings.dataDir);
  if (o.owner) return FollowerStore.following(dir, o.owner);
  return o.readOnly ? EmbeddedStore.openReadOnly(dir) : EmbeddedStore.open(dir, (msg) => o.log?.info(msg));
}

/** The embedded store as the one process that owns it opens it (a cluster's primary, which serves it to the workers). */
export function openEmbeddedStore(dataDir: string, log?: OpenStoreOptions['log']): Promise<EmbeddedStore> {
  return EmbeddedStore.open(embeddedStoreDir(dataDir), (msg) => log?.info(msg));
}

const embeddedStoreDir = (dataDir: string) => path.join(dataDir, 'store');

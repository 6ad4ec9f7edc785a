import { defineStoreSuite } from './contracts/store-contract';
import { describeNeo4j, openEmptyNeo4jStore, reopenNeo4jStore } from './support/neo4j';

describeNeo4j('Neo4j store', () => {
  defineStoreSuite('neo4j', () => ({
    open: () => openEmptyNeo4jStore(),
    reopen: async (store) => {
      await store.close();
      return reopenNeo4jStore();
    },
  }));
});

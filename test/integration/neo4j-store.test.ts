import { LoadInProgressError } from '../../graph/errors';
import { defineStoreSuite } from './contracts/store-contract';
import { fixtureData, fixtureSimilarity } from '../support/fixture-data';
import { connectTestNeo4j, describeNeo4j, openEmptyNeo4jStore, reopenNeo4jStore } from '../support/neo4j';

describeNeo4j('Neo4j store', () => {
  defineStoreSuite('neo4j', () => ({
    open: () => openEmptyNeo4jStore(),
    reopen: async (store) => {
      await store.close();
      return reopenNeo4jStore();
    },
  }));

  describe('bulk load claims the database', () => {
    it('refuses a database holding data of its own, and leaves it alone', async () => {
      const store = await openEmptyNeo4jStore();
      const { cypher, close } = await connectTestNeo4j();
      await cypher.write('CREATE (:Customer {name: "not ours"})');
      await expect(store.bulkLoad(fixtureData(), fixtureSimilarity())).rejects.toThrow(/not a dataset of this API/);
      expect(await cypher.read('MATCH (c:Customer) RETURN c.name AS name')).toEqual([{ name: 'not ours' }]);
      await Promise.all([store.close(), close()]);
    });

    it('lets one of two concurrent loads run and tells the other to wait', async () => {
      const [a, b] = [await openEmptyNeo4jStore(), await reopenNeo4jStore()];
      const results = await Promise.allSettled([
        a.bulkLoad(fixtureData(), fixtureSimilarity()),
        b.bulkLoad(fixtureData(), fixtureSimilarity()),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(LoadInProgressError);
      expect(await a.isEmpty()).toBe(false);
      expect((await a.listTitles()).map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4']);
      await Promise.all([a.close(), b.close()]);
    });

    it('takes over the claim of a load that died, deleting its partial data', async () => {
      const store = await openEmptyNeo4jStore();
      const { cypher, close } = await connectTestNeo4j();
      await cypher.write('CREATE (:Meta {key: "loading", owner: "dead", heartbeat: 0}), (:Title {id: "half-written"})');
      await store.bulkLoad(fixtureData(), fixtureSimilarity());
      expect((await store.listTitles()).map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4']);
      expect(await cypher.read('MATCH (m:Meta) RETURN m.key AS key')).toEqual([{ key: 'dataset' }]);
      await Promise.all([store.close(), close()]);
    });
  });
});

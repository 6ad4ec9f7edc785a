import { LoadInProgressError } from '../../graph/errors';
import { defineStoreSuite } from './contracts/store-contract';
import { fixtureData, fixtureSimilarity, playback } from '../support/fixture-data';
import { connectTestNeo4j, describeNeo4j, openEmptyNeo4jStore, reopenNeo4jStore } from '../support/neo4j';

describeNeo4j('Neo4j store', () => {
  defineStoreSuite('neo4j', () => ({
    open: () => openEmptyNeo4jStore(),
    reopen: async (store) => {
      await store.close();
      return reopenNeo4jStore();
    },
  }));

  describe('schema', () => {
    it('migrates a database whose event ids were unique across profiles, also with several processes starting at once', async () => {
      const store = await openEmptyNeo4jStore();
      await store.bulkLoad(fixtureData(), fixtureSimilarity());
      await store.close();
      const { cypher, close } = await connectTestNeo4j();
      // The schema as it was before events were scoped to their profile.
      for (const label of ['Playback', 'Impression']) {
        await cypher.autoCommit(`DROP CONSTRAINT ${label.toLowerCase()}_profile_event IF EXISTS`);
        await cypher.autoCommit(`CREATE CONSTRAINT ${label.toLowerCase()}_id FOR (n:${label}) REQUIRE n.eventId IS UNIQUE`);
      }
      const stores = await Promise.all([reopenNeo4jStore(), reopenNeo4jStore(), reopenNeo4jStore()]);
      expect(
        await cypher.read(
          `SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties WHERE labelsOrTypes IN [['Playback'], ['Impression']]
           RETURN name, properties ORDER BY name`,
        ),
      ).toEqual([
        { name: 'impression_profile_event', properties: ['profileId', 'eventId'] },
        { name: 'playback_profile_event', properties: ['profileId', 'eventId'] },
      ]);
      // a1-p1's e1 was loaded before the migration; a2-p1 may now have an e1 of its own, once.
      expect(await stores[0].recordPlayback([playback('e1', 'a2-p1', 't4', 4, 0.3)])).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(await stores[1].recordPlayback([playback('e1', 'a2-p1', 't4', 4, 0.3)])).toMatchObject({ accepted: 0, duplicates: 1 });
      expect((await stores[2].viewingHistory('a1-p1', 10)).map((e) => e.eventId)).toEqual(['e2', 'e1']);
      await expect(cypher.write('CREATE (:Playback {profileId: "a2-p1", eventId: "e1"})')).rejects.toMatchObject({
        code: 'Neo.ClientError.Schema.ConstraintValidationFailed',
      });
      await Promise.all([...stores.map((s) => s.close()), close()]);
    });
  });

  describe('records of an older version', () => {
    it('reads an account node holding a fixed UTC offset, from before accounts had time zones, as a zone fixed at it', async () => {
      const store = await openEmptyNeo4jStore();
      await store.bulkLoad(fixtureData(), fixtureSimilarity());
      const { cypher, close } = await connectTestNeo4j();
      await cypher.write('MATCH (a:Account {id: "a2"}) REMOVE a.timeZone SET a.utcOffsetMinutes = -300');
      expect(await store.getAccount('a2')).toMatchObject({ country: 'US', timeZone: 'Etc/GMT+5' });
      await Promise.all([store.close(), close()]);
    });
  });

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

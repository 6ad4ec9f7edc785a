import { ConfigError, loadConfig } from '../../src/config/config';
import { DEFAULT_UTILITY } from '../../src/pipeline/utility';

describe('config', () => {
  it('has documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 4000,
      DATA_DIR: './data',
      STORE: 'embedded',
      WORLD_SIZE: 'default',
      WORLD_SEED: 7,
      LOG_LEVEL: 'info',
    });
  });

  it('parses valid values', () => {
    expect(
      loadConfig({ PORT: '8080', STORE: 'neo4j', NEO4J_URI: 'bolt://127.0.0.1:7687', WORLD_SIZE: 'small', WORLD_SEED: '3' }),
    ).toMatchObject({ PORT: 8080, STORE: 'neo4j', WORLD_SIZE: 'small', WORLD_SEED: 3 });
    expect(loadConfig({ UTILITY_WEIGHTS: ' 1, 0.5 ,0 ', MODEL_POLL_SECONDS: '0', RANKER_MAX_REQUESTS: '500' })).toMatchObject({
      UTILITY_WEIGHTS: { click: 1, finish: 0.5, ret: 0 },
      MODEL_POLL_SECONDS: 0,
      RANKER_MAX_REQUESTS: 500,
    });
    expect(loadConfig({}).UTILITY_WEIGHTS).toEqual(DEFAULT_UTILITY);
    expect(loadConfig({}).BANDIT_REFRESH_SECONDS).toBe(30);
    expect(loadConfig({ BANDIT_REFRESH_SECONDS: '5' }).BANDIT_REFRESH_SECONDS).toBe(5);
    // Workers share the embedded store through their primary, and Neo4j through Neo4j and Redis.
    expect(loadConfig({ WORKERS: '2' }).WORKERS).toBe(2);
    expect(
      loadConfig({ STORE: 'neo4j', NEO4J_URI: 'bolt://db:7687', STATE: 'redis', REDIS_URL: 'redis://cache:6379', WORKERS: '3' }).WORKERS,
    ).toBe(3);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ STORE: 'postgres' }, 'STORE'],
    [{ WORLD_SIZE: 'huge' }, 'WORLD_SIZE'],
    [{ WORLD_SEED: '-1' }, 'WORLD_SEED'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NEO4J_URI: 'http://x' }, 'NEO4J_URI'],
    [{ STORE: 'neo4j' }, 'NEO4J_URI'],
    [{ STORE: 'neo4j', NEO4J_URI: 'bolt://db:7687', WORKERS: '2' }, 'WORKERS'],
    [{ WORKERS: '2', STATE: 'redis', REDIS_URL: 'redis://cache:6379' }, 'WORKERS'],
    [{ WORKERS: 'many' }, 'WORKERS'],
    [{ UTILITY_WEIGHTS: '1,1' }, 'UTILITY_WEIGHTS'],
    [{ UTILITY_WEIGHTS: '0,0,0' }, 'UTILITY_WEIGHTS'],
    [{ UTILITY_WEIGHTS: '1,11,0' }, 'UTILITY_WEIGHTS'],
    [{ MODEL_POLL_SECONDS: '-5' }, 'MODEL_POLL_SECONDS'],
    [{ RANKER_MAX_REQUESTS: '10' }, 'RANKER_MAX_REQUESTS'],
    [{ BANDIT_REFRESH_SECONDS: '0' }, 'BANDIT_REFRESH_SECONDS'],
    [{ BANDIT_REFRESH_SECONDS: 'soon' }, 'BANDIT_REFRESH_SECONDS'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n\\s+${name}=`));
  });
});

/**
 * Tests by kind, one jest project each: `npm test` runs them all (CI); `npm run test:unit` runs
 * the fast in-process ones. Only the integration project starts Neo4j.
 */
const shared = {
  // onnxruntime-node checks `instanceof Float32Array` against the host realm's constructors.
  testEnvironment: '<rootDir>/test/support/typed-array-environment.js',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // jose ships ES modules only. Node 20 require()s them, jest's module loader does not (before
    // Node 24.9), so under jest its files are compiled to CommonJS.
    '/node_modules/jose/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Generous: CI machines are shared and slow, and a model trains inside several tests.
  testTimeout: 180_000,
  maxWorkers: 2,
  projects: [
    // Pure functions and in-process components: no server, no Neo4j, no browser.
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // The store contracts on both stores, the API in process and over HTTP, server processes.
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/neo4j-global-setup.js',
      globalTeardown: '<rootDir>/test/support/neo4j-global-teardown.js',
    },
    // The preview page and the IDE in headless Chromium.
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    // Offline evaluation: metrics, protocols and the reports.
    { ...shared, displayName: 'eval', testMatch: ['<rootDir>/test/eval/**/*.test.ts'] },
  ],
};

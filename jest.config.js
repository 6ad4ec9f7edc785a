/** @type {import('jest').Config} */
module.exports = {
  // onnxruntime-node checks `instanceof Float32Array` against the host realm's constructors.
  testEnvironment: '<rootDir>/test/support/typed-array-environment.js',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/support/neo4j-global-setup.js',
  globalTeardown: '<rootDir>/test/support/neo4j-global-teardown.js',
  testTimeout: 60000,
  maxWorkers: 2,
};

/** @type {import('jest').Config} */
module.exports = {
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
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/support/neo4j-global-setup.js',
  globalTeardown: '<rootDir>/test/support/neo4j-global-teardown.js',
  testTimeout: 60000,
  maxWorkers: 2,
};

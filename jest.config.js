// Two tiers, selected by file suffix (see README "Tests"):
//   unit         *.spec.ts              pure logic, no I/O, runs anywhere
//   integration  *.integration-spec.ts  real Kafka, schema registry and Postgres (the local stack)
const paths = { '^@rollout-ledger/([a-z0-9-]+)$': '<rootDir>/libs/$1/src/index.ts' };
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper: paths,
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.integration-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper: paths,
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/timeouts.ts'],
      slowTestThreshold: 60,
    },
  ],
};

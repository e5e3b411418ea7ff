import type { Config } from 'jest';

const moduleNameMapper = {
  '^@trace/(access|contracts|genealogy|platform|reports)$': '<rootDir>/libs/$1/src',
  '^@trace/(access|contracts|genealogy|platform|reports)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] as [string, object] };
const common = { rootDir: '.', moduleFileExtensions: ['ts', 'js', 'json'], testEnvironment: 'node', transform, moduleNameMapper };

// Three tiers: unit tests are pure (no server); medium tests run repositories and services against a real
// database server and nothing else (no Kafka, no HTTP); e2e tests go through the real Kafka and the real database
// (testcontainers, the local stack, or KAFKA_BROKERS/MONGO_URL), as production does.
const config: Config = {
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/{apps,libs}/**/*.medium-spec.ts', '<rootDir>/test/stack/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/support/medium-setup.ts',
      globalTeardown: '<rootDir>/test/support/medium-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/e2e-logging.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
export default config;

// Jest runs the ESM build of NestJS 12 through SWC (CONTRIBUTING.md, "Tests"; ADR 0004):
// decorators and their metadata are emitted by SWC, relative `.js` imports map back to `.ts`.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

/** What both projects share: the TypeScript transform and ESM settings. */
const shared = {
  testEnvironment: 'node',
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
};

/**
 * Two projects. `unit`: pure logic (`*.spec.ts` beside the code, and pure checks in test/ such as
 * deployment.spec.ts); no services, so `npm run test:unit` takes seconds. `e2e` (`*.e2e-spec.ts`):
 * the real app against the PostgreSQL and S3 emulator the harness starts — its global setup runs
 * only when an e2e test is selected. `npm test` runs both.
 *
 * @type {import('jest').Config}
 */
export default {
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.js',
      globalTeardown: '<rootDir>/test/harness/global-teardown.js',
    },
  ],
};

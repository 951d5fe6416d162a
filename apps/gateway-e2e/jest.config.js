// Black-box suite: each file boots the real services (compiled, in dist/) against
// the local PostgreSQL and NATS, with its own databases and subject prefix.
// Run after `npm run build` (the root `npm test` does both).
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'gateway-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
  maxWorkers: 1,
  // The log audit: every service's output is kept for the run and checked for secrets at the end.
  globalSetup: '<rootDir>/../../libs/testing/src/lib/log-audit.global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/lib/log-audit.global-teardown.ts',
};

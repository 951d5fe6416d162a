// The Partner Portal in a real browser: each file boots the compiled services (dist/,
// LocalSystem) against the local PostgreSQL and NATS, and drives Debian's headless
// Chromium (/usr/bin/chromium) with playwright-core. Run after `npm run build`.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'portal-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts', '<rootDir>/src/**/*.spec.ts'],
  testTimeout: 90_000,
  maxWorkers: 1,
  // The log audit: every service's output is kept for the run and checked for secrets at the end.
  globalSetup: '<rootDir>/../../libs/testing/src/lib/log-audit.global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/testing/src/lib/log-audit.global-teardown.ts',
};

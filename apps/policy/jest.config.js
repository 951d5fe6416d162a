module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'policy',
  rootDir: __dirname,
  // The integration suite talks to the real NATS (NATS_URL, default nats://127.0.0.1:4222).
  testTimeout: 30_000,
};

module.exports = {
  displayName: 'platform-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60_000,
  // The gateway tests stop and restart the shared Kafka: no other test file may run meanwhile.
  maxWorkers: 1,
};

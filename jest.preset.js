const { join } = require('node:path');
const { nxPreset } = require('@nx/jest/preset');

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Integration tests talk to the real Kafka, registry and PostgreSQL: consumer group joins alone take seconds.
  testTimeout: 30_000,
  testMatch: ['**/?(*.)+(spec|test).ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', join(__dirname, 'tools/jest-results-reporter.js')],
};

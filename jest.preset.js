const { join } = require('node:path');
const { nxPreset } = require('@nx/jest/preset');

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Integration tests talk to the real Kafka, registry and PostgreSQL: consumer group joins alone take seconds.
  testTimeout: 30_000,
  testMatch: ['**/?(*.)+(spec|test).ts'],
  // A project's tests/ folder is a project of its own (decision 0021): its specs run there, not twice.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', join(__dirname, 'tools/jest-results-reporter.js')],
};

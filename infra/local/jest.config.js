const { join } = require('node:path');

module.exports = {
  displayName: 'infra-local',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // infra/local has no tsconfig of its own: infra/tsconfig.json covers it.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, '..', 'tsconfig.json') }],
  },
  testPathIgnorePatterns: ['/node_modules/', '/.cache/', '/.run/'],
};

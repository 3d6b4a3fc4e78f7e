module.exports = {
  displayName: 'event-service',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

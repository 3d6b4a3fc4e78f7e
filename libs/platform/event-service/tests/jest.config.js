module.exports = {
  displayName: 'event-service-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'telemetry-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

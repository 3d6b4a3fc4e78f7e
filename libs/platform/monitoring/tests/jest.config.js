module.exports = {
  displayName: 'monitoring-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

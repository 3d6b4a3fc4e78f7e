module.exports = {
  displayName: 'operations-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'database-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

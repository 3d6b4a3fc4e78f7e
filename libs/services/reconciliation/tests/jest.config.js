module.exports = {
  displayName: 'reconciliation-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'reconciler-tests',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

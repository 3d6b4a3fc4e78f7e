module.exports = {
  displayName: 'earnings',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

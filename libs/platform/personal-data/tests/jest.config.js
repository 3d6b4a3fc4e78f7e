module.exports = {
  displayName: 'personal-data-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

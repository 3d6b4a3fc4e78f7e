module.exports = {
  displayName: 'earnings-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

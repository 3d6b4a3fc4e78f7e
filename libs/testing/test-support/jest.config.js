module.exports = {
  displayName: 'test-support',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

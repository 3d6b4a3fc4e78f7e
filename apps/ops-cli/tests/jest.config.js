module.exports = {
  displayName: 'ops-cli-tests',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

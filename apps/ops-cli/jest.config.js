module.exports = {
  displayName: 'ops-cli',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'reconciler',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};

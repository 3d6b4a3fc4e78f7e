module.exports = {
  displayName: 'operations',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

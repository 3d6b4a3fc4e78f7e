module.exports = {
  displayName: 'batching',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

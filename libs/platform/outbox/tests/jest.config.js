module.exports = {
  displayName: 'outbox-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'notifications-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'notification-service-tests',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

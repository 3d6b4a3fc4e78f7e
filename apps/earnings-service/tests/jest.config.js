module.exports = {
  displayName: 'earnings-service-tests',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

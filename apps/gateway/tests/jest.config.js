module.exports = {
  displayName: 'gateway-tests',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

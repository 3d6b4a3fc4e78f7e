module.exports = {
  displayName: 'webhook-gateway-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

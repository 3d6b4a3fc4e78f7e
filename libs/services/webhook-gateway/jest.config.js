module.exports = {
  displayName: 'webhook-gateway',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

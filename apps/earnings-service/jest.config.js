module.exports = {
  displayName: 'earnings-service',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};

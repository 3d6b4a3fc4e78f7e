module.exports = {
  displayName: 'consignor-service',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};

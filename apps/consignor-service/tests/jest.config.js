module.exports = {
  displayName: 'consignor-service-tests',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'inventory-service-tests',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'inventory-service',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};

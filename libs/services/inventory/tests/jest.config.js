module.exports = {
  displayName: 'inventory-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

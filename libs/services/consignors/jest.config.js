module.exports = {
  displayName: 'consignors',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

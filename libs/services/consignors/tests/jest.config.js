module.exports = {
  displayName: 'consignors-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'kafka',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
};

module.exports = {
  displayName: 'kafka-tests',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};

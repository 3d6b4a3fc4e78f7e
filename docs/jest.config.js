// The documentation's drift checks: each page that lists codes, variables or payloads is compared
// with the source it describes.
module.exports = {
  displayName: 'docs',
  preset: '../jest.preset.js',
  rootDir: __dirname,
};

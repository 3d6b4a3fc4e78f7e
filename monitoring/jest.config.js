// The monitoring checks: promtool on the alert rules and their unit tests, the rules' labels,
// annotations and runbooks, the metric catalogue they may use, and the Grafana dashboard.
module.exports = {
  displayName: 'alerting',
  preset: '../jest.preset.js',
  rootDir: __dirname,
};

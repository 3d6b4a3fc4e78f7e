// The deployables' checks: the production bundles installed and started on their own, the
// Dockerfile, the Kubernetes manifests and the compose file held to the apps' settings.
module.exports = {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  // The bundle test installs six packages' dependencies and starts each app: one file at a time
  // beside the rest of the suite on a small machine.
  maxWorkers: 1,
};

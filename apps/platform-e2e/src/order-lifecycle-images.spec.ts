import { execFileSync } from 'node:child_process';
import { AppImages, podman } from './support/app-images';
import { AppName, launchAppsWith } from './support/platform-under-test';

/**
 * The platform from its container images (decision 0020): every app's image built here with
 * podman by `npm run images:build`'s tool, on a base made locally, then the order-lifecycle
 * scenario, unchanged, with each app started by `podman run` from its image instead of from its
 * bundle: `migrate` first, then the app, over the same Kafka, registry, PostgreSQL and mail sink.
 */
const images = new AppImages();
launchAppsWith(images.launcher);
const platformApps: AppName[] = [
  'gateway',
  'inventory-service',
  'earnings-service',
  'consignor-service',
  'notification-service',
  'reconciler',
];

// Registered before the scenario's own hooks (required below), so the images exist when it starts the platform.
beforeAll(async () => {
  const built = await images.build();
  const made = built.base.made
    ? `made in ${built.base.made.debootstrapSeconds} s (debootstrap) + ${built.base.made.importSeconds} s (import)`
    : 'already there';
  console.log(
    [
      `base ${built.base.image}: ${(built.base.sizeBytes / 1e6).toFixed(0)} MB, ${made}`,
      ...built.apps.map((app) => `${app.image}: ${(app.sizeBytes / 1e6).toFixed(0)} MB in ${app.buildSeconds} s`),
      `all in ${built.seconds} s`,
    ].join('\n'),
  );
}, 480_000);

afterAll(() => images.removeContainers());

describe("the apps' images", () => {
  it('are built for every deployable app on the local base', () => {
    expect(images.built?.base.image).toMatch(/^localhost\/consign-node:/);
    expect(images.built?.apps.map((app) => app.app).sort()).toEqual([...platformApps].sort());
  });

  it("ran `migrate` from each started app's image first, which exited 0", () => {
    const started = [...new Set(images.containers.filter((container) => container.args.length === 0).map((container) => container.app))];
    expect(started.length).toBeGreaterThan(0);
    const migrations = images.containers.filter((container) => container.args[0] === 'migrate');
    expect(migrations.map((container) => container.app).sort()).toEqual([...started].sort());
    expect(migrations.map((container) => container.exitCode())).toEqual(migrations.map(() => 0));
  });

  it('serve as the numeric user 10001, and their HEALTHCHECK passes', async () => {
    const serving = images.containers.filter((container) => container.args.length === 0 && container.exitCode() === null);
    expect(serving.length).toBeGreaterThan(0);
    for (const container of serving) {
      expect({ app: container.app, user: (await podman('exec', container.name, 'id', '-u')).stdout.trim() }).toEqual({
        app: container.app,
        user: '10001',
      });
      // Exits 0 only when the image's HEALTHCHECK command succeeds against the running app.
      await expect(podman('healthcheck', 'run', container.name)).resolves.toBeDefined();
    }
  });

  it('carry the commit they were built from, which consign_build_info reports', async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const serving = images.containers.filter((container) => container.args.length === 0 && container.exitCode() === null);
    for (const container of serving) {
      expect({ app: container.app, revision: (await podman('exec', container.name, 'printenv', 'BUILD_REVISION')).stdout.trim() }).toEqual({
        app: container.app,
        revision: head,
      });
    }
  });
});

// The scenario itself, from order-lifecycle.spec.ts: the platform it starts comes from the images.
require('./order-lifecycle.spec');

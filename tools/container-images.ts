import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { containerPackages, ensureSystemPackages, podmanArguments } from '@consign/infra-local';
import { platformApps } from './platform-apps';
import { assertPinnedRuntime } from './pinned-runtime';

/**
 * The apps' container images, built with podman from their production bundles
 * (deploy/docker/Dockerfile, decision 0020). No image registry answers here, so the base image is
 * made locally first: a minimal Debian root filesystem from debootstrap, the pinned Node.js from
 * its npm package (node_modules/node-linux-<arch>) and npm from the registry's `npm` package,
 * brought in with `podman import`. Each app is then built on it with `--build-arg NODE_IMAGE`.
 *
 *   npm run images:build [-- --json] [app ...]
 *
 * podman's storage is the cache: the base is made once per machine and release, and the npm
 * cache mount of the Dockerfile's dependency stage is shared by every build.
 */
const root = join(__dirname, '..');
const cacheDirectory = join(root, 'tmp/container-images');
const dockerfile = 'deploy/docker/Dockerfile';
/** npm as Node.js 24 ships it (the node-linux-* packages hold node alone), pinned so a base is reproducible. */
export const npmRelease = '11.19.1';
const imageRepository = 'localhost/consign-stream';

export interface AppImage {
  app: string;
  image: string;
  sizeBytes: number;
  buildSeconds: number;
}

export interface BaseImage {
  image: string;
  sizeBytes: number;
  /** Undefined when podman already held it. */
  made?: { debootstrapSeconds: number; importSeconds: number; mirror: string };
}

type Log = (line: string) => void;

/** The Dockerfile's default base, `node:<release>-<suite>-slim`: the release and Debian suite a local base must match. */
export function dockerfileBase(): { nodeRelease: string; suite: string } {
  const match = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-([a-z]+)-slim$/m.exec(readFileSync(join(root, dockerfile), 'utf8'));
  if (!match) throw new Error(`${dockerfile} has no "ARG NODE_IMAGE=node:<release>-<suite>-slim"`);
  return { nodeRelease: match[1], suite: match[2] };
}

/** The Debian mirror apt uses here for `suite` (one-line or deb822 sources), so debootstrap reaches what apt reaches. */
export function aptMirror(suite: string, sources: string[] = aptSourceTexts()): string {
  for (const text of sources) {
    for (const line of text.split('\n')) {
      const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s/.exec(line.trim());
      if (oneLine && oneLine[2] === suite) return oneLine[1];
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
      if (field('Types').includes('deb') && field('Suites').includes(suite) && field('URIs').length > 0) return field('URIs')[0];
    }
  }
  return 'http://deb.debian.org/debian';
}

function aptSourceTexts(): string[] {
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d'))
    files.push(
      ...readdirSync('/etc/apt/sources.list.d')
        .sort()
        .map((file) => join('/etc/apt/sources.list.d', file)),
    );
  return files.filter((file) => existsSync(file) && /(\.list|\.sources)$/.test(file)).map((file) => readFileSync(file, 'utf8'));
}

/** Runs a command to its end, its output into `logFile`; fails with the output's end. */
function run(
  command: string,
  args: string[],
  logFile: string,
  options: { input?: NodeJS.ReadableStream; cwd?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const output = createWriteStream(logFile);
    const child = spawn(command, args, { cwd: options.cwd ?? root, stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (options.input && child.stdin) options.input.pipe(child.stdin);
    child.stdout?.pipe(output, { end: false });
    child.stderr?.pipe(output, { end: false });
    child.once('error', reject);
    child.once('close', (code) => {
      output.end(() => {
        if (code === 0) return resolve();
        const tail = readFileSync(logFile, 'utf8').slice(-3000);
        reject(new Error(`${command} ${args.join(' ')} exited with ${code} (log: ${logFile}):\n${tail}`));
      });
    });
  });
}

function capture(command: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', () => resolve({ code: null, stdout }));
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

async function imageLabel(image: string, label: string): Promise<string | undefined> {
  const inspected = await capture('podman', podmanArguments('image', 'inspect', '--format', `{{ index .Labels "${label}" }}`, image));
  return inspected.code === 0 ? inspected.stdout.trim() : undefined;
}

async function imageId(image: string): Promise<string | undefined> {
  const inspected = await capture('podman', podmanArguments('image', 'inspect', '--format', '{{ .Id }}', image));
  return inspected.code === 0 ? inspected.stdout.trim() : undefined;
}

async function imageSize(image: string): Promise<number> {
  const inspected = await capture('podman', podmanArguments('image', 'inspect', '--format', '{{ .Size }}', image));
  if (inspected.code !== 0) throw new Error(`podman image inspect ${image} failed`);
  return Number(inspected.stdout.trim());
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/** The host's CA bundle: the base trusts what this host trusts, so its npm reaches the registry the way the host's does. */
function hostCaBundle(): string | undefined {
  return [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find((file): file is string => !!file && existsSync(file));
}

/** The local base image, `localhost/consign-node:<release>-<suite>`, made when podman does not hold it yet. */
export async function ensureBaseImage(log: Log): Promise<BaseImage> {
  const { nodeRelease, suite } = dockerfileBase();
  const image = `localhost/consign-node:${nodeRelease}-${suite}`;
  if ((await imageLabel(image, 'org.consign.npm-release')) === npmRelease) return { image, sizeBytes: await imageSize(image) };
  if (process.getuid?.() !== 0)
    throw new Error(
      'making the base image needs root (debootstrap, and podman storage the tests share): run as root, or import a base yourself and pass it to docker/podman build as NODE_IMAGE',
    );
  const node = join(root, `node_modules/node-linux-${process.arch}/bin/node`);
  const nodeVersion = existsSync(node) ? (await capture(node, ['--version'])).stdout.trim() : 'missing';
  if (nodeVersion !== `v${nodeRelease}`) throw new Error(`${node} is ${nodeVersion}, not v${nodeRelease}: run npm ci`);
  mkdirSync(cacheDirectory, { recursive: true });
  const rootfs = join(cacheDirectory, `rootfs-${suite}`);
  rmSync(rootfs, { recursive: true, force: true });
  const mirror = aptMirror(suite);
  log(`debootstrap ${suite} (minbase) from ${mirror}`);
  let started = Date.now();
  await run('debootstrap', ['--variant=minbase', suite, rootfs, mirror], join(cacheDirectory, 'debootstrap.log'));
  const debootstrapSeconds = seconds(started);
  log(`debootstrap done in ${debootstrapSeconds} s; adding Node.js ${nodeRelease} and npm ${npmRelease}`);
  started = Date.now();
  // What a slim image leaves out: package downloads and lists, documentation, translations.
  for (const folder of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale']) {
    const path = join(rootfs, folder);
    if (existsSync(path))
      for (const entry of readdirSync(path))
        if (entry !== 'partial' && entry !== 'lock') rmSync(join(path, entry), { recursive: true, force: true });
  }
  mkdirSync(join(rootfs, 'usr/local/bin'), { recursive: true });
  copyFileSync(node, join(rootfs, 'usr/local/bin/node'));
  const npmTarball = join(cacheDirectory, `npm-${npmRelease}.tgz`);
  if (!existsSync(npmTarball))
    await run('npm', ['pack', `npm@${npmRelease}`, '--pack-destination', cacheDirectory, '--silent'], join(cacheDirectory, 'npm-pack.log'));
  const npmFolder = join(rootfs, 'usr/local/lib/node_modules/npm');
  mkdirSync(npmFolder, { recursive: true });
  await run(
    'tar',
    ['-xzf', npmTarball, '-C', npmFolder, '--strip-components=1', '--no-same-owner'],
    join(cacheDirectory, 'npm-unpack.log'),
  );
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  const changes = [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `ENV NODE_VERSION=${nodeRelease}`,
    `LABEL org.consign.npm-release=${npmRelease}`,
    'CMD ["node"]',
  ];
  const caBundle = hostCaBundle();
  if (caBundle) {
    mkdirSync(join(rootfs, 'etc/ssl/certs'), { recursive: true });
    copyFileSync(caBundle, join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));
    changes.push('ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt');
  }
  const tar = spawn('tar', ['-C', rootfs, '--numeric-owner', '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const archived = new Promise<number | null>((resolve) => tar.once('close', resolve));
  await run(
    'podman',
    podmanArguments('import', ...changes.flatMap((change) => ['--change', change]), '-', image),
    join(cacheDirectory, 'import.log'),
    { input: tar.stdout },
  );
  if ((await archived) !== 0) throw new Error(`tar of ${rootfs} failed: the imported ${image} may be incomplete`);
  rmSync(rootfs, { recursive: true, force: true });
  const importSeconds = seconds(started);
  log(`imported ${image} in ${importSeconds} s`);
  return { image, sizeBytes: await imageSize(image), made: { debootstrapSeconds, importSeconds, mirror } };
}

/** One app's image from its bundle in dist/apps/<app>, on `base`. */
/** The release an image carries (consign_build_info): the project's version and the commit it was built from. */
async function releaseOf(): Promise<{ version: string; revision: string }> {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const head = await capture('git', ['-C', root, 'rev-parse', 'HEAD']);
  return { version, revision: head.code === 0 ? head.stdout.trim() : 'unknown' };
}

export async function buildAppImage(app: (typeof platformApps)[number], base: string, log: Log): Promise<AppImage> {
  const release = await releaseOf();
  const bundle = join(root, 'dist/apps', app.name);
  if (!existsSync(join(bundle, 'main.js'))) throw new Error(`${bundle}/main.js is missing: build it first (npx nx run ${app.name}:build)`);
  const image = `${imageRepository}/${app.name}:latest`;
  const previous = await imageId(image);
  const started = Date.now();
  // `--format docker`: the OCI format has no HEALTHCHECK. `--pull=never`: every base is local here.
  // `--layers=false`: committing each of the runtime stage's steps as a layer of its own doubled
  // a build's time; the npm cache (a cache mount) is what makes a rebuild quick.
  await run(
    'podman',
    podmanArguments(
      'build',
      '--format',
      'docker',
      '--layers=false',
      '--pull=never',
      '--network',
      'host',
      '-f',
      join(root, dockerfile),
      '--build-arg',
      `NODE_IMAGE=${base}`,
      '--build-arg',
      `APP=${app.name}`,
      '--build-arg',
      `PORT_VARIABLE=${app.portVariable}`,
      '--build-arg',
      `DEFAULT_PORT=${app.defaultPort}`,
      '--build-arg',
      `BUILD_VERSION=${release.version}`,
      '--build-arg',
      `BUILD_REVISION=${release.revision}`,
      '-t',
      image,
      bundle,
    ),
    join(cacheDirectory, `build-${app.name}.log`),
  );
  const built = { app: app.name, image, sizeBytes: await imageSize(image), buildSeconds: seconds(started) };
  // The image the tag named before: left untagged, each rebuild would keep a few hundred MB. Kept while a container uses it.
  if (previous && previous !== (await imageId(image))) await capture('podman', podmanArguments('rmi', previous));
  log(`built ${image} in ${built.buildSeconds} s`);
  return built;
}

/** The base, then every app's image (two builds at a time: most of a build waits for the registry). */
export async function buildImages(apps: string[], log: Log): Promise<{ base: BaseImage; apps: AppImage[]; seconds: number }> {
  const started = Date.now();
  const selected =
    apps.length === 0
      ? platformApps
      : apps.map(
          (name) =>
            platformApps.find((app) => app.name === name) ??
            fail(`no app named ${name} (apps: ${platformApps.map((app) => app.name).join(', ')})`),
        );
  ensureSystemPackages(log, containerPackages);
  const missing = containerPackages.filter((entry) => !existsSync(entry.binary)).map((entry) => entry.name);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: apt-get install -y ${missing.join(' ')}`);
  mkdirSync(cacheDirectory, { recursive: true });
  const base = await ensureBaseImage(log);
  const queue = [...selected];
  const built: AppImage[] = [];
  const builder = async () => {
    for (let app = queue.shift(); app; app = queue.shift()) built.push(await buildAppImage(app, base.image, log));
  };
  await Promise.all([builder(), builder()]);
  built.sort((a, b) => selected.findIndex((app) => app.name === a.app) - selected.findIndex((app) => app.name === b.app));
  return { base, apps: built, seconds: seconds(started) };
}

function fail(message: string): never {
  throw new Error(message);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(0)} MB`;
}

async function main(argv: string[]): Promise<void> {
  assertPinnedRuntime('images:build');
  const json = argv.includes('--json');
  const log: Log = (line) => (json ? process.stderr : process.stdout).write(`[images] ${line}\n`);
  const result = await buildImages(
    argv.filter((arg) => arg !== '--json'),
    log,
  );
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const rows = [
    ['IMAGE', 'SIZE', 'BUILD'],
    [
      result.base.image,
      megabytes(result.base.sizeBytes),
      result.base.made ? `${result.base.made.debootstrapSeconds + result.base.made.importSeconds} s` : 'already there',
    ],
    ...result.apps.map((app) => [app.image, megabytes(app.sizeBytes), `${app.buildSeconds} s`]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
  console.log(`${result.apps.length} image(s) in ${result.seconds} s`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`[images] ${(error as Error).message}`);
    process.exit(1);
  });
}

import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { podmanArguments } from '@consign/infra-local';
import { serviceProcessOf, type ServiceProcess } from '@consign/test-support';
import type { AppLauncher, AppName } from './platform-under-test';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '../../../..');

/** What `npm run images:build -- --json` (tools/container-images.ts) reports. */
export interface BuiltImages {
  base: { image: string; sizeBytes: number; made?: { debootstrapSeconds: number; importSeconds: number; mirror: string } };
  apps: Array<{ app: AppName; image: string; sizeBytes: number; buildSeconds: number }>;
  seconds: number;
}

/** One container an AppImages launcher started: which app, with which arguments, and how it ended. */
export interface StartedContainer {
  app: AppName;
  name: string;
  args: string[];
  exitCode(): number | null;
}

export function podman(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync('podman', podmanArguments(args[0], ...args.slice(1)), { encoding: 'utf8', timeout: 60_000 });
}

/**
 * The apps' images, built by the project's own tool, and a launcher that runs the platform from
 * them: `podman run --network host`, so each container listens on the free port the test gives it
 * and reaches the local Kafka, registry, PostgreSQL and mail sink as the bundles do.
 */
export class AppImages {
  built: BuiltImages | undefined;
  readonly containers: StartedContainer[] = [];
  /** Labels this test file's containers, so that none outlives it. */
  private readonly run = randomUUID().slice(0, 8);

  async build(): Promise<BuiltImages> {
    const tool = spawn(process.execPath, ['--import', 'tsx', join(root, 'tools/container-images.ts'), '--json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    tool.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    tool.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => tool.once('close', resolve));
    if (code !== 0) throw new Error(`tools/container-images.ts exited with ${code}:\n${stderr.slice(-4000)}`);
    this.built = JSON.parse(stdout) as BuiltImages;
    return this.built;
  }

  imageOf(app: AppName): string {
    const image = this.built?.apps.find((built) => built.app === app)?.image;
    if (!image) throw new Error(`no image built for ${app}: build() first`);
    return image;
  }

  readonly launcher: AppLauncher = {
    start: (app, args, env) => {
      const name = `consign-e2e-${app}-${this.run}-${this.containers.length + 1}`;
      const variables = { NODE_ENV: 'development', ...env };
      // `--env NAME` takes the value from podman's own environment: no setting (or secret) on its command line.
      const child = spawn(
        'podman',
        podmanArguments(
          'run',
          '--rm',
          '--name',
          name,
          '--label',
          `consign-e2e=${this.run}`,
          '--network',
          'host',
          ...Object.keys(variables).flatMap((variable) => ['--env', variable]),
          this.imageOf(app),
          ...args,
        ),
        { env: { ...process.env, ...variables }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      this.containers.push({ app, name, args, exitCode: () => child.exitCode });
      return containerProcess(child, name);
    },
  };

  /** Removes whatever container of this file is left (one whose podman client was killed before it started it). */
  async removeContainers(): Promise<void> {
    const { stdout } = await podman('ps', '--all', '--quiet', '--filter', `label=consign-e2e=${this.run}`);
    const left = stdout.split('\n').filter(Boolean);
    if (left.length > 0) await podman('rm', '--force', ...left);
  }
}

/** The container as a ServiceProcess: its output is the podman client's, signals go to the container itself. */
function containerProcess(child: ChildProcess, name: string): ServiceProcess {
  return serviceProcessOf(child, async (signal) => {
    // A SIGKILL cannot be passed on by the client; `podman kill` reaches the container's process.
    const killed = await podman('kill', '--signal', signal, name).then(
      () => true,
      () => false,
    );
    if (!killed && child.exitCode === null) child.kill(signal);
  });
}

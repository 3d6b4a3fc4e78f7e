import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { serviceNodeOptions } from '@consign/service-runtime';
import { dockerfileInstructions, execForm, imageCommand } from './support/dockerfile';
import { readRepositoryFile } from './support/repository';

const instructions = dockerfileInstructions();
const stages = instructions.reduce<{ from: string; body: typeof instructions }[]>((all, line) => {
  if (line.instruction === 'FROM') all.push({ from: line.argument, body: [] });
  else all.at(-1)?.body.push(line);
  return all;
}, []);
const runtime = stages.at(-1)?.body ?? [];

function argumentOf(instruction: string): string {
  const found = runtime.filter((line) => line.instruction === instruction);
  if (found.length !== 1) throw new Error(`the runtime stage has ${found.length} ${instruction} instructions`);
  return found[0].argument;
}

/** The HEALTHCHECK's command, run as the image would run it, with the image's environment. */
function healthcheck(env: NodeJS.ProcessEnv): Promise<number | null> {
  const words = execForm(argumentOf('HEALTHCHECK').replace(/^(--\S+\s+)*CMD\s+/, ''));
  expect(words[0]).toBe('node');
  const child = spawn(process.execPath, words.slice(1), { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('deploy/docker/Dockerfile', () => {
  it('builds on the official image of the pinned Node.js release, a build argument away from another base', () => {
    const version = readRepositoryFile('.nvmrc').trim();
    const baseArgument = instructions.find((line) => line.instruction === 'ARG' && line.argument.startsWith('NODE_IMAGE='));
    expect(baseArgument?.argument).toBe(`NODE_IMAGE=node:${version}-bookworm-slim`);
    expect(stages.map(({ from }) => from.split(' ')[0])).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
  });

  it("installs the runtime dependencies from the bundle's lockfile in a stage of its own, without install scripts", () => {
    const install = stages[0].body.find((line) => line.instruction === 'RUN')?.argument ?? '';
    expect(install).toMatch(/npm ci --omit=dev --ignore-scripts/);
    // npm's cache in a cache mount: shared between builds, left out of the image.
    expect(install).toMatch(/^--mount=type=cache,target=\/root\/\.npm /);
    expect(runtime.some((line) => line.instruction === 'RUN')).toBe(false);
  });

  it('runs as a numeric non-root user', () => {
    const [user] = argumentOf('USER').split(':');
    expect(Number(user)).toBeGreaterThan(0);
  });

  it("serves by default and migrates when given `migrate`, with the apps' Node.js options", () => {
    expect(execForm(argumentOf('CMD'))).toEqual([]);
    const serve = imageCommand([]);
    expect(serve[0]).toBe('node');
    expect(serve.at(-1)).toBe('main.js');
    expect(serve).toEqual(expect.arrayContaining([...serviceNodeOptions]));
    expect(imageCommand(['migrate']).slice(-2)).toEqual(['main.js', 'migrate']);
  });

  it("declares the build arguments each app's image is built with", () => {
    expect(runtime.filter((line) => line.instruction === 'ARG').map((line) => line.argument)).toEqual([
      'APP',
      'PORT_VARIABLE',
      'DEFAULT_PORT',
      'BUILD_VERSION=unknown',
      'BUILD_REVISION=unknown',
    ]);
  });

  it('hands the release and commit it was built from to the app, for consign_build_info', () => {
    expect(argumentOf('ENV')).toMatch(/BUILD_VERSION=\$\{BUILD_VERSION\}/);
    expect(argumentOf('ENV')).toMatch(/BUILD_REVISION=\$\{BUILD_REVISION\}/);
  });

  describe('HEALTHCHECK, with node rather than curl', () => {
    it("passes when /healthz on the app's port answers 200, following the port variable, and fails otherwise", async () => {
      let status = 200;
      const asked: string[] = [];
      const server = createServer((request, response) => {
        asked.push(request.url ?? '');
        response.writeHead(status).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      try {
        // As built for inventory-service and started with INVENTORY_PORT set, or with the default only.
        expect(
          await healthcheck({ HEALTHCHECK_PORT_VARIABLE: 'INVENTORY_PORT', HEALTHCHECK_DEFAULT_PORT: '1', INVENTORY_PORT: String(port) }),
        ).toBe(0);
        expect(await healthcheck({ HEALTHCHECK_PORT_VARIABLE: 'INVENTORY_PORT', HEALTHCHECK_DEFAULT_PORT: String(port) })).toBe(0);
        expect(asked).toEqual(['/healthz', '/healthz']);
        status = 503;
        expect(await healthcheck({ HEALTHCHECK_PORT_VARIABLE: 'INVENTORY_PORT', HEALTHCHECK_DEFAULT_PORT: String(port) })).toBe(1);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
      expect(await healthcheck({ HEALTHCHECK_PORT_VARIABLE: 'INVENTORY_PORT', HEALTHCHECK_DEFAULT_PORT: String(port) })).toBe(1);
    });

    it('gets its port variable and default from the build arguments', () => {
      expect(argumentOf('ENV')).toMatch(/HEALTHCHECK_PORT_VARIABLE=\$\{PORT_VARIABLE\}/);
      expect(argumentOf('ENV')).toMatch(/HEALTHCHECK_DEFAULT_PORT=\$\{DEFAULT_PORT\}/);
      expect(argumentOf('HEALTHCHECK')).not.toMatch(/curl|wget/);
    });
  });
});

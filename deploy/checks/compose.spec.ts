import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { documentedPorts, productionRequiredVariables } from './support/configuration-reference';
import { dockerfilePath } from './support/dockerfile';
import { parseYaml } from './support/manifests';
import { deployableApps, readRepositoryFile, repositoryRoot } from './support/repository';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  command?: string[];
  env_file?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
}
interface ComposeFile {
  include?: string[];
  services: Record<string, ComposeService>;
}

const composePath = 'deploy/compose.yaml';
const compose = parseYaml(readRepositoryFile(composePath)) as ComposeFile;
const composeDirectory = join(repositoryRoot, dirname(composePath));
const included = (compose.include ?? []).map((path) => ({
  path,
  file: parseYaml(readRepositoryFile(join(dirname(composePath), path))) as ComposeFile,
}));
const services = { ...Object.assign({}, ...included.map(({ file }) => file.services)), ...compose.services } as Record<
  string,
  ComposeService
>;
const apps = deployableApps().map(({ name }) => name);

/** A service's variables as the container gets them: its env_files, then `environment`, which wins. */
function environmentOf(service: ComposeService): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const file of service.env_file ?? []) {
    for (const line of readRepositoryFile(join(dirname(composePath), file)).split('\n')) {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (match) variables[match[1]] = match[2];
    }
  }
  return { ...variables, ...service.environment };
}

/** host:port pairs named by a value: URLs and comma-separated broker lists. */
function addresses(value: string): { host: string; port: number | undefined }[] {
  if (/^[a-z]+:\/\//.test(value)) {
    const url = new URL(value);
    return [{ host: url.hostname, port: url.port ? Number(url.port) : undefined }];
  }
  return value.split(',').map((broker) => {
    const [host, port] = broker.trim().split(':');
    return { host, port: Number(port) };
  });
}

describe('deploy/compose.yaml', () => {
  it('brings in the infrastructure of infra/docker/compose.yaml', () => {
    expect(included.map(({ path }) => resolve(composeDirectory, path))).toEqual([join(repositoryRoot, 'infra/docker/compose.yaml')]);
    expect(Object.keys(included[0].file.services)).toEqual(expect.arrayContaining(['postgres', 'kafka', 'registry']));
  });

  it('has a mail catcher, where notification-service sends its emails', () => {
    const smtp = addresses(environmentOf(services['notification-service']).SMTP_URL)[0];
    expect(smtp.host).toBe('mail-catcher');
    expect(services['mail-catcher'].image).toMatch(/mailpit/);
  });

  describe.each(apps)('%s', (app) => {
    const service = services[app];
    const migration = services[`${app}-migrate`];
    const [publicListener] = documentedPorts(app);

    it('is built from its bundle with deploy/docker/Dockerfile, and migrated by its own image before it starts', () => {
      expect(existsSync(join(repositoryRoot, dockerfilePath))).toBe(true);
      for (const built of [service, migration]) {
        const build = built.build ?? { context: '', dockerfile: '', args: {} };
        const context = resolve(composeDirectory, build.context);
        expect(context).toBe(join(repositoryRoot, 'dist/apps', app));
        expect(resolve(context, build.dockerfile)).toBe(join(repositoryRoot, dockerfilePath));
        expect(build.args).toEqual({ APP: app, PORT_VARIABLE: publicListener.variable, DEFAULT_PORT: String(publicListener.port) });
        expect(built.read_only).toBe(true);
      }
      expect(migration.image).toBe(service.image);
      expect(migration.command).toEqual(['migrate']);
      expect(service.command).toBeUndefined();
      expect(service.depends_on).toEqual({ [`${app}-migrate`]: { condition: 'service_completed_successfully' } });
    });

    it('gets every variable the app requires in production, pointing at services of this file', () => {
      for (const container of [service, migration]) {
        const variables = environmentOf(container);
        expect(productionRequiredVariables(app).filter((variable) => !variables[variable])).toEqual([]);
        for (const variable of Object.keys(variables).filter((name) => /(_URL|_BROKERS)$/.test(name))) {
          for (const { host } of addresses(variables[variable]))
            expect({ variable, host, known: host in services }).toEqual({ variable, host, known: true });
        }
      }
    });

    it("listens on every address of its container, and is published on the host's loopback only", () => {
      const variables = environmentOf(service);
      expect(variables[publicListener.variable.replace(/_PORT$/, '_HOST')]).toBe('0.0.0.0');
      const port = Number(variables[publicListener.variable] ?? publicListener.port);
      expect(service.ports).toContain(`127.0.0.1:${port}:${port}`);
      for (const published of service.ports ?? []) expect(published).toMatch(/^127\.0\.0\.1:/);
    });
  });

  it("points the reconciler at the services' read APIs", () => {
    const variables = environmentOf(services.reconciler);
    for (const [variable, app] of [
      ['RECONCILER_INVENTORY_URL', 'inventory-service'],
      ['RECONCILER_EARNINGS_URL', 'earnings-service'],
    ]) {
      expect(addresses(variables[variable])[0]).toEqual({ host: app, port: documentedPorts(app)[0].port });
    }
  });
});

import { execFileSync } from 'node:child_process';
import { serviceNodeOptions } from '@consign/service-runtime';
import { developmentDefault, documentedPorts, productionRequiredVariables } from './support/configuration-reference';
import { imageCommand } from './support/dockerfile';
import { KubernetesObject, renderKustomization } from './support/manifests';
import { deployableApps } from './support/repository';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}

/**
 * Secrets: read only from Secret keys in production, never written into a manifest. A
 * database URL carries its password; TENANTS the webhook secrets; the rest are keys or credentials.
 */
const secretVariable =
  /^(TENANTS|API_KEYS|PERSONAL_DATA_KEYS|TENANT_SECRETS_KEYS|SHOPIFY_ADMIN_TOKENS|RECONCILER_READ_API_KEY|SMTP_USER|SMTP_PASSWORD|KAFKA_SASL_USERNAME|KAFKA_SASL_PASSWORD|[A-Z]+_DATABASE_URL)$/;

const apps = deployableApps().map(({ name }) => name);
const overlays = {
  dev: renderKustomization('deploy/kubernetes/overlays/dev'),
  prod: renderKustomization('deploy/kubernetes/overlays/prod'),
};

function find(objects: KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.filter((object) => object.kind === kind && object.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

function podTemplate(object: KubernetesObject): PodTemplate {
  return (object.spec as { template: PodTemplate }).template;
}

function configMapData(objects: KubernetesObject[], name: string): Record<string, string> {
  return (find(objects, 'ConfigMap', name).data as Record<string, string> | undefined) ?? {};
}

function secretData(objects: KubernetesObject[], name: string): Record<string, string> | undefined {
  const secret = objects.find((object) => object.kind === 'Secret' && object.metadata.name === name);
  if (!secret) return undefined;
  const encoded = (secret.data as Record<string, string> | undefined) ?? {};
  return Object.fromEntries(Object.entries(encoded).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

/**
 * Where each variable of a container comes from: `literal` (a value in the manifest), `configMap`
 * or `secret` (with the object and key), later entries winning as in Kubernetes.
 */
type Source =
  | { from: 'literal'; value: string }
  | { from: 'configMap'; name: string; key: string; value: string | undefined }
  | { from: 'secret'; name: string; key: string; optional: boolean };
function environment(objects: KubernetesObject[], container: Container): Map<string, Source> {
  const sources = new Map<string, Source>();
  for (const reference of container.envFrom ?? []) {
    if (reference.configMapRef)
      for (const [key, value] of Object.entries(configMapData(objects, reference.configMapRef.name)))
        sources.set(key, { from: 'configMap', name: reference.configMapRef.name, key, value });
    if (reference.secretRef)
      throw new Error(`${container.name}: envFrom secretRef hides which variables a Secret must hold; name each with secretKeyRef`);
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    const configMap = variable.valueFrom?.configMapKeyRef;
    if (secret) sources.set(variable.name, { from: 'secret', name: secret.name, key: secret.key, optional: secret.optional === true });
    else if (configMap)
      sources.set(variable.name, {
        from: 'configMap',
        name: configMap.name,
        key: configMap.key,
        value: configMapData(objects, configMap.name)[configMap.key],
      });
    else sources.set(variable.name, { from: 'literal', value: variable.value ?? '' });
  }
  return sources;
}

function portNumber(container: Container, port: number | string | undefined): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

describe.each(Object.entries(overlays))('deploy/kubernetes/overlays/%s', (overlay, objects) => {
  describe.each(apps)('%s', (app) => {
    const deployment = find(objects, 'Deployment', app);
    const template = podTemplate(deployment);
    const container = template.spec.containers[0];
    const migration = podTemplate(find(objects, 'Job', `${app}-migrate`));
    const [publicListener] = documentedPorts(app);

    it("runs one container of the app's image, whose port is the one the app listens on", () => {
      expect(template.spec.containers).toHaveLength(1);
      expect(container.image).toMatch(new RegExp(`(^|/)consign-stream/${app}(:[\\w.-]+)?$`));
      const variables = environment(objects, container);
      const configured = variables.get(publicListener.variable);
      const port = configured?.from === 'configMap' && configured.value ? Number(configured.value) : publicListener.port;
      expect(portNumber(container, 'http')).toBe(port);
      // A listener on 127.0.0.1 (the services' default) would be out of the kubelet's and the Service's reach.
      const host = variables.get(publicListener.variable.replace(/_PORT$/, '_HOST'));
      expect(host).toMatchObject({ value: '0.0.0.0' });
    });

    it('is ready on /readyz and alive on /healthz, on that port', () => {
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(portNumber(container, container.readinessProbe?.httpGet?.port)).toBe(portNumber(container, 'http'));
      expect(portNumber(container, container.livenessProbe?.httpGet?.port)).toBe(portNumber(container, 'http'));
    });

    it.each([
      ['the app', () => ({ template, container })],
      ['its migration', () => ({ template: migration, container: migration.spec.containers[0] })],
    ])('runs %s as a non-root user on a read-only filesystem, with resources', (_what, subject) => {
      const { template: pod, container: runs } = subject();
      expect(pod.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.spec.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(runs.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(runs.resources?.requests?.cpu).toBeDefined();
      expect(runs.resources?.requests?.memory).toBeDefined();
      expect(runs.resources?.limits?.memory).toBeDefined();
    });

    it.each([
      ['the app', () => container],
      ['its migration', () => migration.spec.containers[0]],
    ])('gives %s every variable the app requires in production, from a ConfigMap or a Secret', (_what, subject) => {
      const variables = environment(objects, subject());
      const missing = productionRequiredVariables(app).filter((variable) => {
        const source = variables.get(variable);
        if (source === undefined || source.from === 'literal') return true;
        if (source.from === 'configMap') return !source.value;
        if (source.optional) return true;
        // Production's Secrets come from the cluster's secret store; development's are generated here and must hold the key.
        const data = secretData(objects, source.name);
        return overlay === 'prod' ? false : data?.[source.key] === undefined;
      });
      expect(missing).toEqual([]);
    });

    it("migrates with the app's image: node main.js migrate", () => {
      const job = migration.spec.containers[0];
      expect(job.image).toBe(container.image);
      const command = job.command ?? imageCommand(job.args ?? []);
      expect(command[0]).toBe('node');
      expect(command.slice(-2)).toEqual(['main.js', 'migrate']);
      expect(command).toEqual(expect.arrayContaining([...serviceNodeOptions]));
      expect((migration.spec as unknown as { restartPolicy: string }).restartPolicy).toBe('Never');
    });

    it('has a Service and a PodDisruptionBudget selecting its pods, and only its serving pods', () => {
      const labels = template.metadata.labels;
      const selects = (selector: Record<string, string>): boolean =>
        Object.entries(selector).every(([key, value]) => labels[key] === value);
      const service = find(objects, 'Service', app).spec as {
        selector: Record<string, string>;
        ports: { port: number; targetPort: string | number }[];
      };
      expect(selects(service.selector)).toBe(true);
      expect(Object.entries(service.selector).every(([key, value]) => migration.metadata.labels[key] === value)).toBe(false);
      expect(service.ports.map(({ targetPort }) => portNumber(container, targetPort))).toContain(portNumber(container, 'http'));
      const budget = find(objects, 'PodDisruptionBudget', app).spec as {
        selector: { matchLabels: Record<string, string> };
        minAvailable?: number;
        maxUnavailable?: number;
      };
      expect(selects(budget.selector.matchLabels)).toBe(true);
      expect(budget.minAvailable ?? budget.maxUnavailable).toBeDefined();
    });
  });

  it('scales the gateway, and only the gateway, with a HorizontalPodAutoscaler', () => {
    const autoscalers = objects.filter((object) => object.kind === 'HorizontalPodAutoscaler');
    expect(autoscalers.map((autoscaler) => autoscaler.spec)).toEqual([
      expect.objectContaining({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' },
        minReplicas: expect.any(Number),
        maxReplicas: expect.any(Number),
      }),
    ]);
  });

  it('deploys exactly the deployable apps', () => {
    const deployments = objects.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name);
    expect(deployments.sort()).toEqual([...apps].sort());
  });
});

describe('the prod overlay', () => {
  const objects = overlays.prod;
  const containers = objects.flatMap((object) =>
    object.kind === 'Deployment' || object.kind === 'Job' ? podTemplate(object).spec.containers : [],
  );

  it('writes no secret: each is read from a Secret key, and no Secret or ConfigMap in it holds one', () => {
    expect(objects.filter((object) => object.kind === 'Secret').map((object) => object.metadata.name)).toEqual([]);
    for (const container of containers) {
      for (const [variable, source] of environment(objects, container)) {
        if (secretVariable.test(variable))
          expect({ container: container.name, variable, from: source.from }).toEqual({
            container: container.name,
            variable,
            from: 'secret',
          });
      }
    }
    for (const configMap of objects.filter((object) => object.kind === 'ConfigMap')) {
      expect(Object.keys((configMap.data as Record<string, string> | undefined) ?? {}).filter((key) => secretVariable.test(key))).toEqual(
        [],
      );
    }
  });

  it('runs in production: no NODE_ENV=development anywhere', () => {
    for (const container of containers) expect(environment(objects, container).get('NODE_ENV')).toBeUndefined();
  });

  it('takes its images from a registry, at a fixed tag', () => {
    for (const container of containers) expect(container.image).toMatch(/^[\w.-]+\.[\w.-]+(:\d+)?\/.+:[\w.-]+$/);
  });
});

describe('the dev overlay', () => {
  const objects = overlays.dev;

  it('runs in development, with the public development tenant, API key key-encryption key and tenant secrets key as documented', () => {
    const gateway = environment(objects, podTemplate(find(objects, 'Deployment', 'gateway')).spec.containers[0]);
    expect(gateway.get('NODE_ENV')).toMatchObject({ from: 'configMap', value: 'development' });
    const secretValue = (variable: string): string | undefined => {
      const source = gateway.get(variable);
      return source?.from === 'secret' ? secretData(objects, source.name)?.[source.key] : undefined;
    };
    expect(secretValue('TENANTS')).toBe(developmentDefault('Development tenant'));
    expect(secretValue('API_KEYS')).toBe(developmentDefault('Development API key'));
    expect(secretValue('PERSONAL_DATA_KEYS')).toBe(developmentDefault('Development key-encryption key'));
    expect(secretValue('TENANT_SECRETS_KEYS')).toBe(developmentDefault('Development tenant secrets key'));
  });
});

describe('kubectl kustomize', () => {
  it('renders the base on its own too', () => {
    expect(() =>
      execFileSync('kubectl', ['kustomize', 'deploy/kubernetes/base'], { cwd: `${__dirname}/../..`, stdio: 'pipe' }),
    ).not.toThrow();
  });
});

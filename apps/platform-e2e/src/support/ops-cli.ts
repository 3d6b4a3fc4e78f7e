import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { testEndpoints } from '@consign/test-support';
import { PlatformUnderTest } from './platform-under-test';

/**
 * Runs the operator command line as an operator would: its standalone bundle (built before these
 * tests, like the apps), as its own process, against the platform under test.
 */
const root = join(__dirname, '../../../..');
const bundle = join(root, 'dist/apps/ops-cli/main.js');

export interface OpsResult<T> {
  code: number;
  json: T;
  stderr: string;
}

/** Where the operator tools find the platform under test: its endpoints, in development. */
export function operationsEnvironment(platform: PlatformUnderTest): NodeJS.ProcessEnv {
  const endpoints = testEndpoints();
  return {
    ...process.env,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    // Without a reconciler under test, the local platform's audit database.
    ...(platform.databases.reconciler ? { OPERATIONS_DATABASE_URL: platform.databases.reconciler.url } : {}),
    OPS_GATEWAY_URL: platform.internalUrls.gateway,
    OPS_WEBHOOK_URL: platform.urls.gateway,
    OPS_INVENTORY_URL: platform.internalUrls['inventory-service'],
    OPS_EARNINGS_URL: platform.internalUrls['earnings-service'],
    OPS_CONSIGNOR_URL: platform.internalUrls['consignor-service'],
    OPS_NOTIFICATION_URL: platform.internalUrls['notification-service'],
    OPS_RECONCILER_URL: platform.internalUrls.reconciler,
    NODE_ENV: 'development',
  };
}

/** `extraEnv` goes last: another way to reach Kafka, for instance. */
export function opsCli(platform: PlatformUnderTest, operator: string, extraEnv: Record<string, string> = {}) {
  const env = { ...operationsEnvironment(platform), OPERATOR: operator, ...extraEnv };
  return function ops<T = Record<string, unknown>>(...args: string[]): Promise<OpsResult<T>> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--disable-warning=TimeoutNegativeWarning', '--enable-source-maps', bundle, ...args, '--json'],
        { cwd: root, env, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          try {
            resolve({ code, json: JSON.parse(stdout) as T, stderr });
          } catch {
            reject(new Error(`ops ${args.join(' ')} exited ${code} without JSON on stdout:\n${stdout}\n${stderr}`));
          }
        },
      );
    });
  };
}

import { ensureInfraUp, stopInfra, type PartName } from '@consign/infra-local';
import { isDockerAvailable, startDockerInfra } from '@consign/infra-docker';

/** The servers a test run or a local platform uses, and how to let go of them. */
export interface PlatformInfra {
  origin: 'environment' | 'docker' | 'local';
  env: Record<string, string>;
  release(): Promise<void>;
}

const endpointVariables = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'POSTGRES_ADMIN_URL'] as const;

/**
 * Endpoints given in the environment win; otherwise Docker (testcontainers) when an engine answers
 * and INFRA_MODE is not `local`; otherwise the project's own local infrastructure, of which only
 * what this call started is stopped on release. Mail follows its own variables (SMTP_URL,
 * MAIL_SINK_URL): without them the local mail sink is used whatever runs the rest.
 */
export async function acquirePlatformInfra(options: { allowDocker: boolean; log: (line: string) => void }): Promise<PlatformInfra> {
  const given = endpointVariables.filter((name) => process.env[name]);
  if (given.length > 0) {
    const missing = endpointVariables.filter((name) => !process.env[name]);
    if (missing.length > 0) throw new Error(`${given.join(', ')} set but ${missing.join(', ')} missing: give all three endpoints or none`);
    options.log(`using the endpoints from the environment (${given.join(', ')})`);
    const mail = await acquireMailSink(options.log);
    return { origin: 'environment', env: mail.env, release: mail.release };
  }
  if (options.allowDocker && process.env.INFRA_MODE !== 'local' && (await isDockerAvailable())) {
    options.log('Docker engine found: starting Kafka, Apicurio and PostgreSQL with testcontainers');
    const docker = await startDockerInfra();
    const mail = await acquireMailSink(options.log);
    return {
      origin: 'docker',
      env: {
        KAFKA_BROKERS: docker.kafkaBrokers,
        SCHEMA_REGISTRY_URL: docker.schemaRegistryUrl,
        POSTGRES_ADMIN_URL: docker.postgresUrl,
        ...mail.env,
      },
      release: async () => {
        await mail.release();
        await docker.stop();
      },
    };
  }
  const { started, endpoints } = await ensureInfraUp();
  options.log(started.length ? `started local ${started.join(', ')}` : 'local infrastructure already running');
  return {
    origin: 'local',
    env: {
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      POSTGRES_ADMIN_URL: endpoints.postgresUrl,
      ...mailEnv(endpoints),
    },
    release: async () => {
      const ours = started.filter((part): part is PartName => part !== 'postgres');
      if (ours.length > 0) await stopInfra(ours);
    },
  };
}

function mailEnv(endpoints: { smtpUrl: string; mailSinkUrl: string | null }): Record<string, string> {
  return { SMTP_URL: endpoints.smtpUrl, ...(endpoints.mailSinkUrl ? { MAIL_SINK_URL: endpoints.mailSinkUrl } : {}) };
}

/** The local mail sink (a small Node process), unless SMTP_URL / MAIL_SINK_URL name another server. */
async function acquireMailSink(log: (line: string) => void): Promise<{ env: Record<string, string>; release(): Promise<void> }> {
  const { started, endpoints } = await ensureInfraUp({ parts: ['mail'], log });
  return {
    env: mailEnv(endpoints),
    release: async () => {
      if (started.includes('mail')) await stopInfra(['mail']);
    },
  };
}

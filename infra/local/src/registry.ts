import * as path from 'node:path';

import { APICURIO_VERSION, REGISTRY_MIN_JAVA, type Paths, type Settings } from './config';
import { REGISTRY_DATABASE } from './databases';
import { findQuarkusRunJar } from './fetch';
import { findJava } from './java';
import type { PostgresConfig } from './postgres';
import { markerArgs, type StartSpec } from './process';
import { InfraError } from './util';

function jdbcUrl(pg: PostgresConfig): string {
  const host = pg.host.includes(':') && !pg.host.startsWith('[') ? `[${pg.host}]` : pg.host;
  return `jdbc:postgresql://${host}:${pg.port}/${REGISTRY_DATABASE}`;
}

/** Defaults that a QUARKUS_* / APICURIO_* variable in the environment may override. */
const TUNABLE_DEFAULTS: Record<string, string> = {
  // The shipped pool keeps 20 idle connections open; a laptop does not need that.
  APICURIO_DATASOURCE_JDBC_INITIAL_SIZE: '2',
  APICURIO_DATASOURCE_JDBC_MIN_SIZE: '2',
  APICURIO_DATASOURCE_JDBC_MAX_SIZE: '20',
  // The shipped pattern has a typo (YYYY-MMx-dd) that prints dates like 2026-11+00-28.
  QUARKUS_LOG_CONSOLE_FORMAT: '%d{yyyy-MM-dd HH:mm:ss,SSS} %p [%c{3.}] (%t) %m%n',
};

/** What `up` must control: ports, storage and the datasource. */
export function registryEnv(s: Settings, pg: PostgresConfig): Record<string, string> {
  return {
    QUARKUS_HTTP_HOST: s.host,
    QUARKUS_HTTP_PORT: String(s.registryPort),
    // The management interface (health, metrics) is enabled in Apicurio's
    // application.properties and defaults to port 9000.
    QUARKUS_MANAGEMENT_HOST: s.host,
    QUARKUS_MANAGEMENT_PORT: String(s.registryManagementPort),
    APICURIO_STORAGE_KIND: 'sql',
    APICURIO_STORAGE_SQL_KIND: 'postgresql',
    APICURIO_DATASOURCE_URL: jdbcUrl(pg),
    APICURIO_DATASOURCE_USERNAME: pg.user,
    // Empty means "send no password" (what trust auth wants). Leaving the variable
    // out would send Apicurio's built-in default, "sa".
    APICURIO_DATASOURCE_PASSWORD: pg.password ?? '',
  };
}

export function registryStartSpec(paths: Paths, s: Settings, pg: PostgresConfig): StartSpec {
  const jar = findQuarkusRunJar(paths.registryHome);
  if (!jar) throw new InfraError(`quarkus-run.jar not found under ${paths.registryHome}; run \`fetch\` again.`);
  const java = findJava(REGISTRY_MIN_JAVA, 'REGISTRY_JAVA_HOME', `Apicurio Registry ${APICURIO_VERSION}`);
  const heap = (process.env['REGISTRY_HEAP_OPTS'] ?? '-Xms128m -Xmx384m').split(/\s+/).filter((a) => a.length > 0);
  return {
    part: 'registry',
    command: java.bin,
    args: [...heap, ...markerArgs('registry', paths), '-Djava.awt.headless=true', '-jar', jar],
    env: { ...TUNABLE_DEFAULTS, ...process.env, ...registryEnv(s, pg) },
    cwd: path.dirname(jar),
  };
}

/** Healthy = the Confluent-compatible API lists subjects. */
export async function isRegistryHealthy(schemaRegistryUrl: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await fetch(`${schemaRegistryUrl}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** A managed registry may want credentials we do not have: any non-5xx answer means reachable. */
export async function isExternalRegistryReachable(schemaRegistryUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${schemaRegistryUrl}/subjects`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status < 500;
  } catch {
    return false;
  }
}

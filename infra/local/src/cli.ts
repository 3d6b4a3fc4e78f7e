import * as fs from 'node:fs';
import * as path from 'node:path';

import { ALL_PARTS, isPartName, OPTIONAL_PARTS, resolvePaths, resolveSettings, type PartName } from './config';
import { dockerInitSql } from './databases';
import { fetchAll } from './fetch';
import { ensureInfraUp, infraEndpoints, infraStatus, stopInfra, type InfraEndpoints, type PartStatus } from './infra';
import { maskPassword } from './postgres';
import { defaultLogger, InfraError, seconds } from './util';

const USAGE = `Local infrastructure (PostgreSQL databases, Kafka, Apicurio Registry, a mail sink) without Docker.

usage: npx tsx infra/local/src/cli.ts <command> [options]

  fetch                 download Kafka and Apicurio Registry with Maven into infra/local/.cache;
                        install the Debian packages the tests start (pgbouncer, chromium, prometheus,
                        prometheus-alertmanager) when missing
  up [parts...]         fetch if needed, start what is not running, wait until healthy
     --brokers N        N local Kafka nodes (broker+controller each; replication 3, min.insync 2),
                        as KAFKA_BROKER_COUNT=N; default 1, the single broker
     --monitoring       also Prometheus (:9090) and Alertmanager (:9095) with the alert rules,
                        scraping the apps of \`npm start\` and mailing the mail sink (same as naming
                        the part monitoring)
  down [parts...]       stop what \`up\` started (never the machine's PostgreSQL)
       --purge          also delete Kafka's data (fresh cluster)
  status [--json]       one line per part (exit code 0 either way)
  endpoints [--json]    print the endpoints without starting anything
  gen-docker-init       rewrite infra/docker/postgres-init/01-databases.sql from databases.ts

parts: postgres, kafka, registry, mail (default: all of these), monitoring (only when named)
See infra/README.md for environment overrides.`;

function printEndpoints(e: InfraEndpoints): void {
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  out('');
  out(`Kafka brokers      ${e.kafkaBrokers}`);
  out(`Schema registry    ${e.schemaRegistryUrl}${e.registryUrl ? `   (Apicurio: ${e.registryUrl})` : ''}`);
  out(`PostgreSQL admin   ${maskPassword(e.postgresUrl)}`);
  for (const [name, url] of Object.entries(e.databaseUrls)) out(`  ${name.padEnd(22)} ${maskPassword(url)}`);
  out(`SMTP               ${e.smtpUrl}`);
  out(`Mail sink API      ${e.mailSinkUrl ? `${e.mailSinkUrl}/api/messages` : '-'}`);
}

function printStatus(statuses: PartStatus[]): void {
  for (const s of statuses) {
    const pid = s.pid !== null ? `pid ${s.pid}` : '-';
    const rss = s.rssMiB !== null ? `  rss ${s.rssMiB} MiB` : '';
    process.stdout.write(
      `${s.part.padEnd(9)} ${`${s.state} (${s.mode})`.padEnd(20)} ${pid.padEnd(10)} ${s.endpoint}  ` +
        `${s.healthy ? 'healthy' : 'not healthy'}${rss}\n`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...given] = argv;
  const rest = takeBrokerCount(given);
  const flags = new Set(rest.filter((a) => a.startsWith('-')));
  const args = rest.filter((a) => !a.startsWith('-'));
  switch (command) {
    case 'fetch': {
      const started = Date.now();
      await fetchAll(resolvePaths(), defaultLogger);
      defaultLogger(`fetch finished in ${seconds(Date.now() - started)}`);
      return 0;
    }
    case 'up': {
      const started = Date.now();
      const named = args.filter(isPart);
      const parts = flags.has('--monitoring') ? [...(named.length > 0 ? named : ALL_PARTS), 'monitoring' as const] : named;
      const result = await ensureInfraUp(parts.length > 0 ? { parts } : {});
      defaultLogger(
        `${result.started.length > 0 ? `started ${result.started.join(', ')}` : 'nothing to start'} ` +
          `(${seconds(Date.now() - started)})`,
      );
      printEndpoints(result.endpoints);
      return 0;
    }
    case 'down': {
      await stopInfra(args.length > 0 ? args : undefined, { purge: flags.has('--purge') });
      return 0;
    }
    case 'status': {
      const statuses = await infraStatus();
      if (flags.has('--json')) process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      else printStatus(statuses);
      return 0;
    }
    case 'endpoints': {
      const endpoints = infraEndpoints(resolveSettings());
      if (flags.has('--json')) process.stdout.write(`${JSON.stringify(endpoints, null, 2)}\n`);
      else printEndpoints(endpoints);
      return 0;
    }
    case 'gen-docker-init': {
      const file = path.resolve(resolvePaths().home, '..', 'docker', 'postgres-init', '01-databases.sql');
      fs.writeFileSync(file, dockerInitSql());
      defaultLogger(`wrote ${file}`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

/** `--brokers N` / `--brokers=N` become KAFKA_BROKER_COUNT, which the settings read (and check). */
function takeBrokerCount(args: string[]): string[] {
  const remaining: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--brokers' || arg.startsWith('--brokers=')) {
      const value = arg === '--brokers' ? args[(index += 1)] : arg.slice('--brokers='.length);
      if (value === undefined || value === '') throw new InfraError('--brokers needs a number, e.g. --brokers 3');
      process.env['KAFKA_BROKER_COUNT'] = value;
    } else {
      remaining.push(arg);
    }
  }
  return remaining;
}

function isPart(value: string): value is PartName {
  if (isPartName(value)) return true;
  throw new InfraError(`unknown part "${value}" (expected ${[...ALL_PARTS, ...OPTIONAL_PARTS].join(', ')})`);
}

// `status | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof InfraError) process.stderr.write(`[infra] error: ${err.message}\n`);
    else process.stderr.write(`[infra] unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

import { spawn } from 'node:child_process';
import { acquirePlatformInfra } from './platform-infra';

/**
 * `npm test`: every check of every project (types, lint, unit and integration tests) against the
 * real Kafka, schema registry and PostgreSQL, started here when they are not running. What this
 * run started is stopped at the end unless INFRA_KEEP=1.
 */
async function main(): Promise<number> {
  const startedAt = Date.now();
  const log = (line: string): void => console.log(`[test] ${line}`);
  const infra = await acquirePlatformInfra({ allowDocker: true, log });
  log(`infrastructure ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${infra.origin})`);
  let code = 1;
  try {
    code = await run('npx', ['nx', 'run-many', '-t', 'typecheck', 'lint', 'test', '--outputStyle=stream', '--skip-nx-cache', ...process.argv.slice(2)], {
      ...process.env,
      ...infra.env,
    });
  } finally {
    if (process.env.INFRA_KEEP === '1') log('INFRA_KEEP=1: leaving the infrastructure running');
    else await infra.release();
  }
  log(`${code === 0 ? 'all checks passed' : 'checks FAILED'} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return code;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test] ${(error as Error).message}`);
    process.exit(1);
  },
);

import { startMailSink } from './mail-sink';

/**
 * The mail sink as its own process, started by `infra up` (infra/local/src/mail.ts). Arguments
 * after the script are the process markers `up` recognises it by; they are not read here.
 */
function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}=${raw} is not a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const log = (line: string): void => {
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  };
  const sink = await startMailSink({
    host: process.env['MAIL_SINK_HOST'] ?? '127.0.0.1',
    smtpPort: positiveInteger('MAIL_SINK_SMTP_PORT', 1025),
    httpPort: positiveInteger('MAIL_SINK_HTTP_PORT', 8025),
    capacity: positiveInteger('MAIL_SINK_CAPACITY', 5000),
    log,
  });
  log(`mail sink: SMTP ${sink.smtpUrl}, API ${sink.apiUrl}/api/messages`);
  const stop = (signal: string): void => {
    log(`${signal}: stopping`);
    sink.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`mail sink failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

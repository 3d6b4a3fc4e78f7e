import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logs on stdout, one line per entry; secrets are redacted by path wherever they appear. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['*.secret', '*.password', '*.apiKey', '*.authorization', '*.signature'], censor: '[redacted]' },
  });
}

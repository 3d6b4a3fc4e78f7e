import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A log line's time as the JVMs write it (local time): `2026-12-07 04:51:10,925` or `[2026-12-07 04:51:10,925]`. */
const loggedAt = /^\[?(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/;
/** Lines a little before and after a suite count too: clocks and buffered logs are not exact. */
const slackMs = 5000;

/**
 * What Kafka and the registry warned about while each failing suite ran: a CI log is often all
 * there is of a failure, and a server that stalled says so in its own log.
 */
export function serverWarningsDuring(
  logsDir: string,
  failures: Array<{ file: string; during?: [number, number] }>,
): Array<{ log: string; file: string; lines: string[] }> {
  const windows = new Map(
    failures.filter((failure) => failure.during).map((failure) => [failure.file, failure.during as [number, number]]),
  );
  if (windows.size === 0 || !existsSync(logsDir)) return [];
  const found: Array<{ log: string; file: string; lines: string[] }> = [];
  for (const log of readdirSync(logsDir).filter((name) => /^(kafka-server|registry)\.log$/.test(name))) {
    const warnings = readFileSync(join(logsDir, log), 'utf8')
      .split('\n')
      .filter((line) => /\b(WARN|ERROR)\b/.test(line))
      .map((line) => ({ line, at: loggedAt.exec(line) }))
      .filter((entry): entry is { line: string; at: RegExpExecArray } => entry.at !== null)
      .map(({ line, at }) => ({ line, time: new Date(`${at[1]}T${at[2]}`).getTime() }));
    for (const [file, [start, end]] of windows) {
      const lines = warnings.filter(({ time }) => time >= start - slackMs && time <= end + slackMs).map(({ line }) => line);
      if (lines.length > 0) found.push({ log, file, lines });
    }
  }
  return found;
}

import * as path from 'node:path';

import type { Paths, Settings } from './config';
import { markerArgs, type StartSpec } from './process';
import { canConnect } from './util';

/** The mail sink is TypeScript run by this same Node with tsx, like the rest of infra/local. */
export function mailSinkStartSpec(paths: Paths, s: Settings): StartSpec {
  return {
    part: 'mail',
    command: process.execPath,
    args: ['--import', 'tsx', paths.mailSinkMain, ...markerArgs('mail', paths)],
    env: {
      ...process.env,
      MAIL_SINK_HOST: s.host,
      MAIL_SINK_SMTP_PORT: String(s.mailSmtpPort),
      MAIL_SINK_HTTP_PORT: String(s.mailHttpPort),
    },
    // tsx is resolved from the repository's node_modules.
    cwd: path.resolve(paths.home, '..', '..'),
  };
}

/** Healthy = the API answers /healthz and the SMTP port accepts connections. */
export async function isMailSinkHealthy(s: Settings, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await fetch(`http://${s.host}:${s.mailHttpPort}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200 && (await canConnect(s.mailSmtpPort, s.host, timeoutMs));
  } catch {
    return false;
  }
}

/** An external SMTP server may want TLS or credentials: reachable is all we check. */
export async function isExternalSmtpReachable(smtpUrl: string): Promise<boolean> {
  try {
    const url = new URL(smtpUrl);
    const port = Number(url.port || (url.protocol === 'smtps:' ? 465 : 25));
    return await canConnect(port, url.hostname.replace(/^\[|\]$/g, ''), 3000);
  } catch {
    return false;
  }
}

import { Counter, Registry } from 'prom-client';
import type { EmailOutcome } from '../handlers/deliver-notification';

/** consign_emails_total{outcome}, as the NotificationDeps.countEmail that feeds it. */
export function emailMetrics(registry: Registry): (outcome: EmailOutcome) => void {
  const emails = new Counter({
    name: 'consign_emails_total',
    help: "Emails sent, failed (refused or unreachable SMTP) or deferred (awaiting the recipient's contact)",
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Present from the first scrape, so a rate over them is 0 rather than absent.
  for (const outcome of ['sent', 'failed', 'deferred'] as const) emails.inc({ outcome }, 0);
  return (outcome) => emails.inc({ outcome });
}

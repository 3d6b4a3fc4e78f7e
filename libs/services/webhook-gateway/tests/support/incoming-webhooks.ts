import { ClaimedFacts, IncomingWebhook } from '../../src/intake/verified-delivery';

/** An incoming webhook as the router hands it to a verifier, with what the verifier noted kept in `notes`, in order. */
export function incomingWebhook(
  body: Buffer,
  headers: Record<string, string>,
  request: { path?: string; tenantHint?: string; receivedAt?: number } = {},
): IncomingWebhook & { notes: ClaimedFacts[] } {
  const notes: ClaimedFacts[] = [];
  const lowerCased = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    body,
    header: (name) => lowerCased.get(name.toLowerCase()),
    tenantHint: request.tenantHint,
    path: request.path ?? '/webhooks/test',
    receivedAt: request.receivedAt ?? Date.parse('2026-12-07T10:00:00Z'),
    requestId: 'request-1',
    note: (facts) => notes.push(facts),
    notes,
  };
}

/** What a verifier's refusal says: its code, or the value it returned when it refused nothing. */
export function refusalOf(verify: () => unknown): { code: string; message: string; details?: unknown } | 'accepted' {
  try {
    verify();
    return 'accepted';
  } catch (error) {
    const { code, message, details } = error as { code: string; message: string; details?: unknown };
    return { code, message, details };
  }
}

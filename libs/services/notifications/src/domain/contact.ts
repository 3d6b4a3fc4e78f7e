/** What notification-service knows of a consignor, projected from consignors.v1. */
export interface Contact {
  consignorId: string;
  tenantId: string;
  /** null until a ConsignorRegistered/ConsignorUpdated arrives (a deactivation may come first), and once erased. */
  displayName: string | null;
  email: string | null;
  /** The name and address were erased, at the consignor's deactivation: they read as null for good. */
  erased: boolean;
  /** Deactivation is final: no event of consignors.v1 reactivates a consignor. */
  active: boolean;
  deactivationReason: string | null;
  /** occurredAt of the event whose details are held. */
  detailsOccurredAt: Date | null;
  deactivatedAt: Date | null;
}

export type RecipientDecision =
  | { kind: 'send'; to: string; displayName: string }
  | { kind: 'skip'; reason: string }
  /** Not known yet: the consignor's events may still be on their way on the other topic. */
  | { kind: 'unknown' };

const PLAUSIBLE_EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** Who receives a notification about this consignor of store `tenantId`, or why nobody does. */
export function decideRecipient(contact: Contact | undefined, tenantId: string): RecipientDecision {
  if (!contact) return { kind: 'unknown' };
  if (contact.tenantId !== tenantId) return { kind: 'skip', reason: `consignor belongs to store ${contact.tenantId}, not ${tenantId}` };
  if (!contact.active)
    return { kind: 'skip', reason: `consignor deactivated${contact.deactivationReason ? `: ${contact.deactivationReason}` : ''}` };
  if (contact.detailsOccurredAt === null) return { kind: 'unknown' };
  if (!contact.email) return { kind: 'skip', reason: 'consignor has no email address' };
  // The reason is stored in the clear: it does not repeat the address.
  if (!PLAUSIBLE_EMAIL.test(contact.email)) return { kind: 'skip', reason: 'consignor email address is not valid' };
  return { kind: 'send', to: contact.email, displayName: contact.displayName?.trim() || 'consignor' };
}

/** How late an email may still go out: measured from the platform's receipt of its cause. */
export interface LateEmailLimit {
  /** NOTIFICATION_MAX_EVENT_AGE. */
  maxEventAgeMs: number;
  nowMs: number;
}

/**
 * decideRecipient, after refusing an email whose event the platform received more than
 * `limit.maxEventAgeMs` ago: a rebuild from earliest, or a first start over old history, records
 * those as skipped instead of emailing consignors about last month's sales. No limit: no refusal.
 */
export function decideDelivery(
  contact: Contact | undefined,
  cause: { tenantId: string; receivedAt: number },
  limit: LateEmailLimit | undefined,
): RecipientDecision {
  if (limit && limit.nowMs - cause.receivedAt > limit.maxEventAgeMs)
    return {
      kind: 'skip',
      reason: `too late to send: its event was received ${roughDuration(limit.nowMs - cause.receivedAt)} ago, more than NOTIFICATION_MAX_EVENT_AGE (${roughDuration(limit.maxEventAgeMs)})`,
    };
  return decideRecipient(contact, cause.tenantId);
}

/** "3 d", "5 h", "12 min", "40 s": the largest whole unit, for people reading a skip reason. */
function roughDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
  ];
  for (const [size, name] of units) if (ms >= size) return `${Math.floor(ms / size)} ${name}`;
  return `${Math.floor(ms / 1000)} s`;
}

/**
 * Whose personal data a contact and its notifications hold: the consignor's, the only person this
 * service knows. Their data key is erased when the consignor is deactivated.
 */
export function consignorSubject(consignorId: string): string {
  return `consignor:${consignorId}`;
}

import { ShopifyInventoryLevelUpdated } from '@consign/contracts';

/** Which source event last set something, and as of when the source says. */
export interface AppliedVersion {
  at: number;
  eventId: string;
}

/**
 * Whether an incoming change must be ignored: the very event already applied (a replay), or one
 * the source dated before the change already applied (events can arrive out of order). Equal
 * times from different events are applied: Shopify's times have second precision.
 */
export function isSupersededBy(incoming: AppliedVersion, applied: AppliedVersion | null): boolean {
  if (applied === null) return false;
  return incoming.eventId === applied.eventId || incoming.at < applied.at;
}

/** A source timestamp in milliseconds, or `fallback` when it is missing or unreadable. */
export function sourceTimeOf(value: string | null, fallback: number): number {
  const parsed = value === null ? Number.NaN : Date.parse(value);
  return Number.isNaN(parsed) ? fallback : parsed;
}

/** A level update's version: Shopify's updated_at, or the event's time when that is unreadable. */
export function levelVersionOf(event: ShopifyInventoryLevelUpdated): AppliedVersion {
  return { at: sourceTimeOf(event.updatedAt, event.metadata.occurredAt), eventId: event.metadata.eventId };
}

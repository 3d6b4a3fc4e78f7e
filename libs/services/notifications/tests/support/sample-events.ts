import { randomUUID } from 'node:crypto';
import type {
  ConsignorDeactivated,
  ConsignorRegistered,
  ConsignorUpdated,
  EarningsRecorded,
  EarningsReversed,
  EventMetadata,
} from '@consign/contracts';
import { testEventMetadata } from '@consign/test-support';

export const TENANT = 'dev-store';

export function metadata(eventType: string, overrides: Partial<EventMetadata> = {}): EventMetadata {
  return testEventMetadata(eventType, {
    occurredAt: Date.parse('2026-11-28T10:00:00Z'),
    receivedAt: Date.parse('2026-11-28T10:00:01Z'),
    source: 'consignor-service',
    tenantId: TENANT,
    ...overrides,
  });
}

export function consignorRegistered(
  consignorId: string,
  consignor: Partial<ConsignorRegistered['consignor']> = {},
  meta: Partial<EventMetadata> = {},
): ConsignorRegistered {
  return {
    metadata: metadata('consignor.registered', meta),
    consignor: {
      id: consignorId,
      clerkUserId: null,
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      commissionRateBasisPoints: 4000,
      shopifyTag: null,
      ...consignor,
    },
  };
}

export function consignorUpdated(
  consignorId: string,
  consignor: Partial<ConsignorUpdated['consignor']>,
  meta: Partial<EventMetadata> = {},
): ConsignorUpdated {
  const registered = consignorRegistered(consignorId, consignor, meta);
  return {
    metadata: { ...registered.metadata, eventType: 'consignor.updated' },
    consignor: registered.consignor,
    changedFields: Object.keys(consignor),
  };
}

export function consignorDeactivated(
  consignorId: string,
  meta: Partial<EventMetadata> = {},
  reason: string | null = 'left the store',
): ConsignorDeactivated {
  return { metadata: metadata('consignor.deactivated', meta), consignorId, reason };
}

export function earningsRecorded(consignorId: string, overrides: Partial<EarningsRecorded> = {}): EarningsRecorded {
  return {
    metadata: metadata('earnings.recorded', { source: 'earnings-service' }),
    ledgerEntryId: randomUUID(),
    consignorId,
    orderId: '820982911946154508',
    lineItemId: '866550311766439020',
    itemTitle: 'Silk scarf',
    quantity: 1,
    gross: { amountMinor: 20000, currency: 'USD' },
    commissionRateBasisPoints: 4000,
    consignorShare: { amountMinor: 12000, currency: 'USD' },
    storeShare: { amountMinor: 8000, currency: 'USD' },
    status: 'earned',
    ...overrides,
  };
}

export function earningsReversed(consignorId: string, overrides: Partial<EarningsReversed> = {}): EarningsReversed {
  const recorded = earningsRecorded(consignorId);
  return {
    ...recorded,
    metadata: metadata('earnings.reversed', { source: 'earnings-service' }),
    ledgerEntryId: randomUUID(),
    reversedLedgerEntryId: recorded.ledgerEntryId,
    reason: 'order_cancelled',
    note: null,
    ...overrides,
  };
}

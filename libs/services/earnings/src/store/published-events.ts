import {
  derivedMetadata,
  EarningsRecorded,
  EarningsReversalReason,
  EarningsStatus,
  EventMetadata,
  events,
  Money,
  PlatformEvent,
} from '@consign/contracts';
import { LedgerEntry } from './ledger';
import { earningsSource } from './earnings-source';

/** The EarningsRecorded of a sale entry; its id derives from the order's event and the line, whenever the entry is appended. */
export function earningsRecordedEvent(cause: EventMetadata, entry: LedgerEntry, paid: boolean): PlatformEvent {
  return {
    definition: events.earningsRecorded,
    value: {
      metadata: derivedMetadata(events.earningsRecorded, cause, { source: earningsSource, discriminator: entry.lineItemId }),
      ledgerEntryId: entry.id,
      ...entryFields(entry),
      status: statusOf(paid),
    },
  };
}

export function earningsReversedEvent(
  cause: EventMetadata,
  entry: LedgerEntry,
  reversedLedgerEntryId: string,
  reason: EarningsReversalReason,
  paid: boolean,
): PlatformEvent {
  return {
    definition: events.earningsReversed,
    value: {
      // The entry id already tells apart the reversals one event causes (line and refund line).
      metadata: derivedMetadata(events.earningsReversed, cause, { source: earningsSource, discriminator: entry.id }),
      ledgerEntryId: entry.id,
      reversedLedgerEntryId,
      ...entryFields(entry),
      status: statusOf(paid),
      reason,
      note: null,
    },
  };
}

function entryFields(entry: LedgerEntry): Omit<EarningsRecorded, 'metadata' | 'ledgerEntryId' | 'status'> {
  const money = (amountMinor: number): Money => ({ amountMinor, currency: entry.currency });
  const { amounts } = entry;
  return {
    consignorId: entry.consignorId,
    orderId: entry.orderId,
    lineItemId: entry.lineItemId,
    itemTitle: entry.itemTitle,
    quantity: entry.quantity,
    gross: money(amounts.grossMinor),
    commissionRateBasisPoints: entry.commissionRateBasisPoints,
    consignorShare: money(amounts.consignorShareMinor),
    storeShare: money(amounts.storeShareMinor),
  };
}

function statusOf(paid: boolean): EarningsStatus {
  return paid ? 'earned' : 'pending';
}

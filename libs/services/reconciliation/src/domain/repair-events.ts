import { deterministicEventId, EventMetadata, events, PlatformEvent, ShopifyProduct } from '@consign/contracts';
import { DiscrepancyKind } from './discrepancies';
import { ShopifyOrderState, ShopifyProductState } from './shopify-state';

/** The publishing source of every corrective event. */
export const reconcilerSource = 'reconciler';

export interface RepairContext {
  tenantId: string;
  runId: string;
  /** When the reconciler read Shopify's state (the run's start): the events' receivedAt. */
  observedAt: number;
}

export interface RepairableDiscrepancy {
  id: string;
  kind: DiscrepancyKind;
  subjectId: string;
  shopifyValue: Record<string, unknown>;
}

interface InventoryLevelValue {
  inventoryItemId: string;
  locationId: string;
  available: number;
  updatedAt: string;
}

/**
 * The events that make the owning services catch up with Shopify, as if the webhook they missed
 * had arrived. Each event id derives from the discrepancy's kind, subject and Shopify's version of
 * it (never the run), so repairing the same state twice, from one run or two, publishes events
 * the outbox and the services recognise as repeats.
 */
export function repairEventsOf(discrepancy: RepairableDiscrepancy, context: RepairContext): PlatformEvent[] {
  switch (discrepancy.kind) {
    case 'order_missing': {
      const state = discrepancy.shopifyValue as unknown as ShopifyOrderState;
      const repair = eventMetadataFor(discrepancy, context, state.updatedAt);
      const created: PlatformEvent = {
        definition: events.shopifyOrderCreated,
        value: { metadata: repair(events.shopifyOrderCreated, state.order.createdAt), order: state.order },
      };
      return [
        created,
        ...(isPaid(state) ? [paidEvent(state, repair)] : []),
        ...(state.cancelledAt !== null ? [cancelledEvent(state, repair)] : []),
      ];
    }
    case 'order_cancelled_in_shopify_only': {
      const state = discrepancy.shopifyValue as unknown as ShopifyOrderState;
      return [cancelledEvent(state, eventMetadataFor(discrepancy, context, state.updatedAt))];
    }
    case 'product_unknown': {
      const { product } = discrepancy.shopifyValue as unknown as ShopifyProductState;
      const metadata = eventMetadataFor(
        discrepancy,
        context,
        product.updatedAt ?? product.createdAt ?? '',
      )(events.shopifyProductUpserted, product.updatedAt);
      return [{ definition: events.shopifyProductUpserted, value: { metadata, change: 'updated', product: product as ShopifyProduct } }];
    }
    case 'inventory_level_differs': {
      const level = discrepancy.shopifyValue as unknown as InventoryLevelValue;
      const metadata = eventMetadataFor(discrepancy, context, level.updatedAt)(events.shopifyInventoryLevelUpdated, level.updatedAt);
      return [
        {
          definition: events.shopifyInventoryLevelUpdated,
          value: {
            metadata,
            inventoryItemId: level.inventoryItemId,
            locationId: level.locationId,
            available: level.available,
            updatedAt: level.updatedAt,
          },
        },
      ];
    }
    case 'order_cancelled_locally_only':
    case 'earnings_mismatch':
    case 'books_stock_mismatch':
      throw new Error(`a ${discrepancy.kind} discrepancy has no corrective event from Shopify`);
  }
}

type MetadataFor = (definition: { type: string; schemaVersion: number }, occurredAt: string | null) => EventMetadata;

function eventMetadataFor(discrepancy: RepairableDiscrepancy, context: RepairContext, version: string): MetadataFor {
  return (definition, occurredAt) => {
    const occurred = occurredAt === null ? Number.NaN : Date.parse(occurredAt);
    return {
      eventId: deterministicEventId(reconcilerSource, discrepancy.kind, discrepancy.subjectId, version, definition.type),
      eventType: definition.type,
      schemaVersion: definition.schemaVersion,
      occurredAt: Number.isNaN(occurred) ? context.observedAt : occurred,
      receivedAt: context.observedAt,
      source: reconcilerSource,
      tenantId: context.tenantId,
      shopifyWebhookId: null,
      shopifyEventId: null,
      svixMessageId: null,
      correlationId: context.runId,
      causationId: discrepancy.id,
    };
  };
}

/** Paid at some point: what orders/paid would have announced (refunds come later). */
function isPaid(state: ShopifyOrderState): boolean {
  return ['paid', 'partially_refunded', 'refunded'].includes(state.order.financialStatus ?? '');
}

function paidEvent(state: ShopifyOrderState, repair: MetadataFor): PlatformEvent {
  // The Admin API keeps no separate paid-at time on the order; updatedAt is what orders/paid carries as paidAt.
  return {
    definition: events.shopifyOrderPaid,
    value: {
      metadata: repair(events.shopifyOrderPaid, state.updatedAt),
      order: state.order,
      paidAt: state.updatedAt,
      totalOutstanding: state.totalOutstanding,
    },
  };
}

function cancelledEvent(state: ShopifyOrderState, repair: MetadataFor): PlatformEvent {
  const cancelledAt = state.cancelledAt ?? state.updatedAt;
  return {
    definition: events.shopifyOrderCancelled,
    value: {
      metadata: repair(events.shopifyOrderCancelled, cancelledAt),
      order: state.order,
      cancelledAt,
      cancelReason: state.cancelReason,
      currentQuantities: state.currentQuantities,
      refunds: state.refunds,
    },
  };
}

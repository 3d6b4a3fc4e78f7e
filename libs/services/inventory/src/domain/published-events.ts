import { derivedMetadata, EventMetadata, events, ItemReleased, ItemSold } from '@consign/contracts';
import { LineRelease } from './cancellation';

export const inventoryServiceName = 'inventory-service';

/** An order line of a consignor's item, as inventory recorded it when the order was placed. */
export interface ConsignorLine {
  orderId: string;
  lineItemId: string;
  productId: string | null;
  variantId: string;
  inventoryItemId: string | null;
  sku: string | null;
  consignorId: string;
  quantity: number;
}

/** One ItemSold per consignor line; its id derives from the order event and the line, so a replay yields the same event. */
export function itemSoldFor(cause: EventMetadata, line: ConsignorLine): { definition: typeof events.itemSold; value: ItemSold } {
  return {
    definition: events.itemSold,
    value: {
      metadata: derivedMetadata(events.itemSold, cause, { source: inventoryServiceName, discriminator: line.lineItemId }),
      ...lineFields(line),
      quantity: line.quantity,
      reason: 'order_placed',
    },
  };
}

/**
 * ItemReleased carries one restocked flag, so a line whose units partly went back to stock
 * yields one event for the restocked units and one for the rest.
 */
/** One ItemReleased per part of a release: the units back in stock, and the others. */
export function itemsReleasedFor(
  cause: EventMetadata,
  line: ConsignorLine,
  release: LineRelease,
  reason: ItemReleased['reason'],
): Array<{ definition: typeof events.itemReleased; value: ItemReleased }> {
  const parts = [
    { restocked: true, quantity: release.restockedUnits },
    { restocked: false, quantity: release.releasedUnits - release.restockedUnits },
  ];
  return parts
    .filter((part) => part.quantity > 0)
    .map((part) => ({
      definition: events.itemReleased,
      value: {
        metadata: derivedMetadata(events.itemReleased, cause, {
          source: inventoryServiceName,
          discriminator: `${line.lineItemId}:${part.restocked ? 'restocked' : 'not_restocked'}`,
        }),
        ...lineFields(line),
        quantity: part.quantity,
        reason,
        restocked: part.restocked,
      },
    }));
}

function lineFields(line: ConsignorLine) {
  return {
    orderId: line.orderId,
    lineItemId: line.lineItemId,
    productId: line.productId,
    variantId: line.variantId,
    inventoryItemId: line.inventoryItemId,
    sku: line.sku,
    consignorId: line.consignorId,
  };
}

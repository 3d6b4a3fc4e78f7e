import { EntityManager } from 'typeorm';
import { ShopifyOrderCreated } from '@consign/contracts';
import { receivedOrderFrom } from '../domain/received-order';
import { ReceivedOrderEntity } from './received-order.entity';

/**
 * Stores the received order, inside the consumer's transaction. The row is keyed by event id as
 * well, so even outside the processed-event guard a repeat changes nothing. Returns whether this
 * call inserted it.
 */
export async function recordOrderReceived(manager: EntityManager, event: ShopifyOrderCreated): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .insert()
    .into(ReceivedOrderEntity)
    .values(receivedOrderFrom(event))
    .orIgnore()
    .execute();
  return (result.raw as unknown[]).length > 0;
}

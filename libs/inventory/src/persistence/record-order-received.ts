import { DataSource } from 'typeorm';
import { ShopifyOrderCreated } from '@consign/contracts';
import { receivedOrderFrom } from '../domain/received-order';
import { ReceivedOrderEntity } from './received-order.entity';

/**
 * Stores the received order once per event id: a redelivered event finds its row and changes
 * nothing. Returns whether this call inserted it.
 */
export async function recordOrderReceived(dataSource: DataSource, event: ShopifyOrderCreated): Promise<boolean> {
  const result = await dataSource
    .createQueryBuilder()
    .insert()
    .into(ReceivedOrderEntity)
    .values(receivedOrderFrom(event))
    .orIgnore()
    .execute();
  return (result.raw as unknown[]).length > 0;
}

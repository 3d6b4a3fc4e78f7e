import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { CreateReceivedOrders1764355200000 } from './migrations/1764355200000-create-received-orders';
import { ReceivedOrderEntity } from './persistence/received-order.entity';

export { receivedOrderFrom } from './domain/received-order';
export type { ReceivedOrder } from './domain/received-order';
export { ReceivedOrderEntity } from './persistence/received-order.entity';
export { recordOrderReceived } from './persistence/record-order-received';

export const inventoryEntities = [ReceivedOrderEntity];
export const inventoryMigrations = [CreateProcessedEvents1764355100000, CreateReceivedOrders1764355200000];

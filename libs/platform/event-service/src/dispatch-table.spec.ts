import type { EntityManager } from 'typeorm';
import { events, type PlatformEvent, type ShopifyOrderCreated, type ShopifyOrderPaid } from '@consign/contracts';
import { dispatchTable } from './dispatch-table';
import type { EventServiceContext } from './event-service';

const metadataOf = (eventType: string, tenantId: string) => ({ metadata: { eventType, tenantId } });
const placed = metadataOf(events.shopifyOrderCreated.type, 'store-a') as unknown as ShopifyOrderCreated;
const paid = metadataOf(events.shopifyOrderPaid.type, 'store-b') as unknown as ShopifyOrderPaid;
const manager = {} as EntityManager;

describe('dispatchTable', () => {
  const calls: string[] = [];
  const useCases = {
    shopifyOrderCreated: async (_manager: EntityManager, value: ShopifyOrderCreated, needs: string) => (
      calls.push(`placed ${value.metadata.tenantId} ${needs}`),
      []
    ),
    shopifyOrderPaid: async (_manager: EntityManager, value: ShopifyOrderPaid, needs: string) => (
      calls.push(`paid ${value.metadata.tenantId} ${needs}`),
      [] as PlatformEvent[]
    ),
  };
  const table = dispatchTable<string, typeof useCases>(useCases);

  beforeEach(() => calls.splice(0));

  it('applies an event through the use case its type names, and ignores the types it does not name', async () => {
    await table.apply(manager, paid, 'terms');
    expect(calls).toEqual(['paid store-b terms']);
    expect(await table.apply(manager, metadataOf('shopify.order.unknown', 'store-a') as unknown as ShopifyOrderPaid, 'terms')).toEqual([]);
    expect(calls).toEqual(['paid store-b terms']);
  });

  it('gives the app one handler per named event, each applied exactly once through applyEvent with what it needs', async () => {
    const applied: unknown[] = [];
    const context = {
      applyEvent: async (event: unknown, effect: (manager: EntityManager) => Promise<unknown>) => {
        applied.push(event);
        await effect(manager);
        return 'applied' as const;
      },
    } as unknown as EventServiceContext;
    const handlers = table.handlers((value) => `needs of ${value.metadata.tenantId}`);
    expect(Object.keys(handlers).sort()).toEqual(['shopifyOrderCreated', 'shopifyOrderPaid']);
    await handlers.shopifyOrderCreated?.(placed, { value: placed } as never, context);
    expect(calls).toEqual(['placed store-a needs of store-a']);
    expect(applied).toEqual([{ value: placed }]);
  });
});

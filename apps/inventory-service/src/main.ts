import { telemetry } from './instrumentation';
import { ConfigError } from '@consign/config';
import { events, topics } from '@consign/contracts';
import { runEventService } from '@consign/event-service';
import {
  applyInventoryLevel,
  applyOrderUpdate,
  cancelOrder,
  createInventoryReadRouter,
  escalateOverdueCancellations,
  inventoryEntities,
  inventoryMigrations,
  recordOrderPlaced,
  syncProduct,
} from '@consign/inventory';
import { loadInventoryConfig } from './config';

const service = 'inventory-service';

async function main(): Promise<void> {
  const config = loadInventoryConfig();
  await runEventService({
    service,
    config,
    telemetry,
    database: { entities: inventoryEntities, migrations: inventoryMigrations },
    consumes: [topics.shopifyProducts, topics.shopifyOrders, topics.shopifyInventory],
    publishes: [events.itemSold, events.itemReleased],
    handlers: {
      shopifyProductUpserted: (value, event, context) => context.applyEvent(event, (manager) => syncProduct(manager, value, config.tenants.requireById(value.metadata.tenantId))),
      shopifyOrderCreated: (value, event, context) => context.applyEvent(event, (manager) => recordOrderPlaced(manager, value)),
      shopifyOrderCancelled: (value, event, context) => context.applyEvent(event, (manager) => cancelOrder(manager, value)),
      // Refunds release (and restock) what they refund; a paid or edited order changes nothing here.
      shopifyOrderUpdated: (value, event, context) => context.applyEvent(event, (manager) => applyOrderUpdate(manager, value)),
      shopifyInventoryLevelUpdated: (value, event, context) => context.applyEvent(event, (manager) => applyInventoryLevel(manager, value)),
    },
    routes: (app, context) => app.use(createInventoryReadRouter(context.database)),
    jobs: [
      {
        name: 'escalate overdue cancellations',
        everyMs: 60_000,
        run: async (context) => {
          const escalated = await context.database.transaction((manager) => escalateOverdueCancellations(manager, new Date(Date.now() - config.heldCancellationWaitMs)));
          if (escalated > 0) context.logger.warn({ escalated }, 'cancellations still waiting for their order were listed for reconciliation');
        },
      },
    ],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

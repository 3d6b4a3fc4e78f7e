import { telemetry } from './instrumentation';
import { ConfigError } from '@consign/config';
import { events } from '@consign/contracts';
import {
  createEarningsReadRouter,
  earningsEntities,
  earningsInputTopics,
  earningsMigrations,
  markHeldOrderChangesForReconciliation,
  recordConsignorDeactivated,
  recordConsignorRegistered,
  recordConsignorUpdated,
  recordOrderPayment,
  recordOrderUpdate,
  recordProductOwnership,
  recordSale,
  reverseCancelledOrder,
} from '@consign/earnings';
import { EventHandlers, runEventService } from '@consign/event-service';
import { loadEarningsConfig } from './config';

const service = 'earnings-service';

async function main(): Promise<void> {
  const config = loadEarningsConfig();
  // Every earnings rule needs the client's terms (default rate, tag prefix, currency).
  const tenantOf = (tenantId: string) => config.tenants.requireById(tenantId);
  const handlers: EventHandlers = {
    shopifyOrderCreated: (value, event, context) => context.applyEvent(event, (manager) => recordSale(manager, value, tenantOf(value.metadata.tenantId))),
    shopifyOrderPaid: (value, event, context) => context.applyEvent(event, (manager) => recordOrderPayment(manager, value, tenantOf(value.metadata.tenantId))),
    shopifyOrderUpdated: (value, event, context) => context.applyEvent(event, (manager) => recordOrderUpdate(manager, value, tenantOf(value.metadata.tenantId))),
    shopifyOrderCancelled: (value, event, context) => context.applyEvent(event, (manager) => reverseCancelledOrder(manager, value, tenantOf(value.metadata.tenantId))),
    shopifyProductUpserted: (value, event, context) => context.applyEvent(event, (manager) => recordProductOwnership(manager, value, tenantOf(value.metadata.tenantId))),
    consignorRegistered: (value, event, context) => context.applyEvent(event, (manager) => recordConsignorRegistered(manager, value, tenantOf(value.metadata.tenantId))),
    consignorUpdated: (value, event, context) => context.applyEvent(event, (manager) => recordConsignorUpdated(manager, value, tenantOf(value.metadata.tenantId))),
    consignorDeactivated: (value, event, context) => context.applyEvent(event, (manager) => recordConsignorDeactivated(manager, value, tenantOf(value.metadata.tenantId))),
  };
  await runEventService({
    service,
    config,
    telemetry,
    database: { entities: earningsEntities, migrations: earningsMigrations },
    consumes: earningsInputTopics,
    publishes: [events.earningsRecorded, events.earningsReversed],
    handlers,
    routes: (app, context) => app.use(createEarningsReadRouter(context.database)),
    jobs: [
      {
        name: 'list overdue held order changes for reconciliation',
        everyMs: 60_000,
        run: async (context) => {
          const listed = await context.database.transaction((manager) => markHeldOrderChangesForReconciliation(manager, new Date(Date.now() - config.heldCancellationWaitMs)));
          if (listed > 0) context.logger.warn({ listed }, 'order changes still waiting for their order were listed for reconciliation');
        },
      },
    ],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

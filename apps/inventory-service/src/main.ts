import { telemetry } from './instrumentation';
import { ConfigError } from '@consign/config';
import { events, serviceReferenceTopics, serviceSubscriptions } from '@consign/contracts';
import { runEventService } from '@consign/event-service';
import { createInventoryReadRouter, escalateOverdueHolds, inventoryEventHandlers, inventoryMigrations } from '@consign/inventory';
import { afterTenantStoreRead, followTenantStore } from '@consign/tenants';
import { createLogger } from '@consign/service-runtime';
import { loadInventoryConfig } from './config';

const service = 'inventory-service';

async function main(command = process.argv[2]): Promise<void> {
  const config = loadInventoryConfig();
  const logger = createLogger(service);
  // Tenants come from TENANTS and the tenant store, followed at run time (decision 0018); this app never sees their secrets.
  const tenantStore = followTenantStore(service, config, logger, command);
  const tenants = tenantStore.directory;
  const { handlers, runHandlers } = inventoryEventHandlers((tenantId) => tenants.requireById(tenantId));
  await runEventService(
    {
      service,
      config,
      telemetry,
      database: { migrations: inventoryMigrations },
      consumes: serviceSubscriptions['inventory-service'],
      readFirst: serviceReferenceTopics['inventory-service'],
      publishes: [events.itemSold, events.itemReleased],
      handlers: afterTenantStoreRead(handlers, tenantStore),
      runHandlers: afterTenantStoreRead(runHandlers, tenantStore),
      routes: (app, context) => app.use(createInventoryReadRouter(context.database)),
      readiness: [tenantStore.readiness],
      stop: [{ name: 'tenant store', run: () => tenantStore.stop() }],
      jobs: [
        {
          name: 'escalate overdue holds',
          // Every minute, or every grace period when that is shorter, so a short grace is kept to.
          everyMs: Math.min(60_000, Math.max(1_000, config.holdGracePeriodMs)),
          run: async (context) => {
            const escalated = await context.database.transaction(async (manager) => {
              const round = await escalateOverdueHolds(manager, new Date(Date.now() - config.holdGracePeriodMs));
              await context.publish(manager, round.published);
              return round;
            });
            const { orders, cancellations, inventoryLevels } = escalated;
            if (orders + cancellations + inventoryLevels > 0) {
              context.logger.warn(
                { orders, cancellations, inventoryLevels },
                'events still waiting past the grace period: orders placed without the variants they wait for, cancellations and levels listed for reconciliation',
              );
            }
          },
        },
      ],
    },
    command,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

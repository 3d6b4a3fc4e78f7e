import { telemetry } from './instrumentation';
import { ConfigError } from '@consign/config';
import { events, serviceReferenceTopics, serviceSubscriptions } from '@consign/contracts';
import { createEarningsReadRouter, earningsEventHandlers, earningsMigrations, escalateOverdueHolds } from '@consign/earnings';
import { runEventService } from '@consign/event-service';
import { afterTenantStoreRead, followTenantStore } from '@consign/tenants';
import { createLogger } from '@consign/service-runtime';
import { loadEarningsConfig } from './config';

const service = 'earnings-service';

async function main(command = process.argv[2]): Promise<void> {
  const config = loadEarningsConfig();
  const logger = createLogger(service);
  // Tenants come from TENANTS and the tenant store, followed at run time (decision 0018); this app never sees their secrets.
  const tenantStore = followTenantStore(service, config, logger, command);
  const tenants = tenantStore.directory;
  // Every earnings rule needs the client's terms (default rate, tag prefix, currency).
  const tenantOf = (tenantId: string) => tenants.requireById(tenantId);
  const { handlers, runHandlers } = earningsEventHandlers(tenantOf);
  await runEventService(
    {
      service,
      config,
      telemetry,
      database: { migrations: earningsMigrations },
      consumes: serviceSubscriptions['earnings-service'],
      readFirst: serviceReferenceTopics['earnings-service'],
      publishes: [events.earningsRecorded, events.earningsReversed],
      handlers: afterTenantStoreRead(handlers, tenantStore),
      runHandlers: afterTenantStoreRead(runHandlers, tenantStore),
      routes: (app, context) => app.use(createEarningsReadRouter(context.database)),
      readiness: [tenantStore.readiness],
      stop: [{ name: 'tenant store', run: () => tenantStore.stop() }],
      jobs: [
        {
          name: 'list what is held past the grace period as exceptions',
          // Every minute, or every grace period when that is shorter, so a short grace is kept to.
          everyMs: Math.min(60_000, Math.max(1_000, config.holdGracePeriodMs)),
          run: async (context) => {
            const listed = await context.database.transaction((manager) =>
              escalateOverdueHolds(manager, new Date(Date.now() - config.holdGracePeriodMs)),
            );
            if (listed.orderChanges + listed.lines > 0)
              context.logger.warn(listed, 'order changes and order lines still waiting past the grace period were listed as exceptions');
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

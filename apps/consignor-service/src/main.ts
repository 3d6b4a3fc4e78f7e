import { telemetry } from './instrumentation';
import { ConfigError } from '@consign/config';
import { consignorEventHandlers, consignorMigrations, createConsignorReadRouter } from '@consign/consignors';
import { events, serviceSubscriptions } from '@consign/contracts';
import { runEventService } from '@consign/event-service';
import { runRewrapCommand } from '@consign/personal-data';
import { afterTenantStoreRead, followTenantStore } from '@consign/tenants';
import { createLogger } from '@consign/service-runtime';
import { loadConsignorConfig } from './config';

const service = 'consignor-service';

async function main(command = process.argv[2]): Promise<void> {
  const config = loadConsignorConfig();
  const logger = createLogger(service);
  // Tenants come from TENANTS and the tenant store, followed at run time (decision 0018); this app never sees their secrets.
  const tenantStore = followTenantStore(service, config, logger, command);
  const tenants = tenantStore.directory;
  await runEventService(
    {
      service,
      config,
      telemetry,
      database: { migrations: consignorMigrations(config.personalDataKeys) },
      commands: { 'rewrap-personal-data-keys': (database, logger) => runRewrapCommand(database, config.personalDataKeys, logger) },
      consumes: serviceSubscriptions['consignor-service'],
      publishes: [events.consignorRegistered, events.consignorUpdated, events.consignorDeactivated],
      handlers: afterTenantStoreRead(consignorEventHandlers({ tenants, keys: config.personalDataKeys }), tenantStore),
      routes: (app, context) => app.use(createConsignorReadRouter(context.database, config.personalDataKeys)),
      readiness: [tenantStore.readiness],
      stop: [{ name: 'tenant store', run: () => tenantStore.stop() }],
    },
    command,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

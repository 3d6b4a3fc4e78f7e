import { telemetry } from './instrumentation';
import { ConfigError } from '@consign/config';
import { consignorEntities, consignorMigrations, createConsignorReadRouter, deactivateConsignor, registerOrUpdateConsignor } from '@consign/consignors';
import { events, topics } from '@consign/contracts';
import { runEventService } from '@consign/event-service';
import { runRewrapCommand } from '@consign/personal-data';
import { loadConsignorConfig } from './config';

const service = 'consignor-service';

async function main(): Promise<void> {
  const config = loadConsignorConfig();
  await runEventService({
    service,
    config,
    telemetry,
    database: { entities: consignorEntities, migrations: consignorMigrations(config.personalDataKeys) },
    commands: { 'rewrap-personal-data-keys': (database, logger) => runRewrapCommand(database, config.personalDataKeys, logger) },
    consumes: [topics.clerkUsers],
    publishes: [events.consignorRegistered, events.consignorUpdated, events.consignorDeactivated],
    handlers: {
      // Created and updated are one rule: the newest version of the Clerk user wins, whichever arrives first.
      clerkUserCreated: (value, event, context) => context.applyEvent(event, (manager) => registerOrUpdateConsignor(manager, value, config.tenants, config.personalDataKeys)),
      clerkUserUpdated: (value, event, context) => context.applyEvent(event, (manager) => registerOrUpdateConsignor(manager, value, config.tenants, config.personalDataKeys)),
      // Deactivates the consignor and erases the person's personal data (crypto-shredding).
      clerkUserDeleted: (value, event, context) => context.applyEvent(event, (manager) => deactivateConsignor(manager, value, config.personalDataKeys)),
    },
    routes: (app, context) => app.use(createConsignorReadRouter(context.database, config.personalDataKeys)),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

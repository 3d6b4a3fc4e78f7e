import { ConfigError } from '@consign/config';
import { events, ShopifyOrderCreated } from '@consign/contracts';
import { checkDatabase, createServiceDataSource, migrateDatabase } from '@consign/database';
import { inventoryEntities, inventoryMigrations, recordOrderReceived } from '@consign/inventory';
import { createKafka, EventCodec, EventConsumer } from '@consign/kafka';
import { createLogger, createServiceHttp, runService } from '@consign/service-runtime';
import { loadInventoryConfig } from './config';

const service = 'inventory-service';

/** `main.js migrate` applies the database migrations and exits; `main.js` serves. */
async function main(command: string | undefined): Promise<void> {
  const logger = createLogger(service);
  const config = loadInventoryConfig();
  const database = createServiceDataSource({
    url: config.databaseUrl,
    entities: inventoryEntities,
    migrations: inventoryMigrations,
    applicationName: service,
  });
  await database.initialize();

  if (command === 'migrate') {
    const applied = await migrateDatabase(database);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
    await database.destroy();
    return;
  }

  const kafka = createKafka({ clientId: service, brokers: config.kafkaBrokers });
  const codec = new EventCodec(config.schemaRegistryUrl);
  const consumer = new EventConsumer<ShopifyOrderCreated>(kafka, codec, {
    groupId: config.consumerGroup,
    topics: [events.shopifyOrderCreated.topic],
    handle: async ({ value, partition, offset }) => {
      if (value.metadata.eventType !== events.shopifyOrderCreated.type) return;
      const inserted = await recordOrderReceived(database, value);
      logger.info({ eventId: value.metadata.eventId, orderId: value.order.id, partition, offset, inserted }, 'order received');
    },
    onError: (error, where) => logger.error({ err: error, ...where }, 'event handling failed; it will be retried'),
  });
  await consumer.start();

  const http = createServiceHttp({ service, logger, readiness: [{ name: 'postgres', check: () => checkDatabase(database) }] });
  http.finish();
  await runService({
    service,
    port: config.port,
    app: http.app,
    logger,
    stop: [
      { name: 'consumer', run: () => consumer.stop() },
      { name: 'database', run: () => database.destroy() },
    ],
  });
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

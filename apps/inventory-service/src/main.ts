import { Registry } from 'prom-client';
import { ConfigError } from '@consign/config';
import { events, ShopifyOrderCreated } from '@consign/contracts';
import { applyOnce, checkDatabase, createServiceDataSource, runMigrationCommand, postgresOutagePolicy } from '@consign/database';
import { inventoryEntities, inventoryMigrations, recordOrderReceived } from '@consign/inventory';
import { ConsumerMetrics, ConsumerRunner, createKafka, EventCodec, EventPublisher } from '@consign/kafka';
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

  if (command === 'migrate') return runMigrationCommand(database, logger);

  const metrics = new Registry();
  const kafka = createKafka({ clientId: service, brokers: config.kafkaBrokers });
  const codec = new EventCodec(config.schemaRegistryUrl);
  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  const consumer = new ConsumerRunner<ShopifyOrderCreated>(kafka, codec, {
    groupId: config.consumerGroup,
    topics: [events.shopifyOrderCreated.topic],
    publisher,
    metrics: new ConsumerMetrics(metrics),
    logger,
    dependency: postgresOutagePolicy(database),
    handle: async ({ value, topic, partition, offset }) => {
      if (value.metadata.eventType !== events.shopifyOrderCreated.type) return;
      const position = { consumerGroup: config.consumerGroup, eventId: value.metadata.eventId, topic, partition, offset };
      const outcome = await applyOnce(database, position, (manager) => recordOrderReceived(manager, value).then(() => undefined));
      logger.info({ eventId: value.metadata.eventId, orderId: value.order.id, partition, offset, outcome }, 'order received');
    },
  });

  let consuming = false;
  const http = createServiceHttp({
    service,
    logger,
    metrics,
    readiness: [
      { name: 'postgres', check: () => checkDatabase(database) },
      {
        name: 'consumer',
        check: async () => {
          if (!consuming) throw new Error('not consuming yet (joining the consumer group)');
        },
      },
    ],
  });
  http.finish();
  await runService({
    service,
    port: config.port,
    app: http.app,
    logger,
    stop: [
      { name: 'consumer', run: () => consumer.stop() },
      { name: 'publisher', run: () => publisher.disconnect() },
      { name: 'database', run: () => database.destroy() },
    ],
  });
  // Listening first: /healthz answers, and /readyz says why, while the group is being joined.
  await consumer.start();
  consuming = true;
  logger.info({ group: config.consumerGroup }, 'consuming');
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${service} failed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

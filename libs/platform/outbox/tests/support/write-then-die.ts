import { events, TopicDefinition } from '@consign/contracts';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { EventCodec } from '@consign/kafka';
import { sampleOrderCreated } from '@consign/test-support';
import { CreateOutboxEvents1764355150000, appendToOutbox } from '@consign/outbox';

/**
 * A service process that commits a state change with its outbox rows and dies (SIGKILL) before any
 * relay publishes them: what a crash between the database write and the publish leaves behind.
 */
async function main(): Promise<void> {
  const topic: TopicDefinition = { name: String(process.env.OUTBOX_TOPIC), partitions: 3, key: 'order id', retentionMs: 3_600_000 };
  const definition = { ...events.shopifyOrderCreated, topic };
  const dataSource = createServiceDataSource({
    url: String(process.env.OUTBOX_DATABASE_URL),
    tls: { mode: 'disable' },
    migrations: [CreateOutboxEvents1764355150000],
    applicationName: 'write-then-die',
  });
  await dataSource.initialize();
  await migrateDatabase(dataSource);
  const codec = new EventCodec(String(process.env.SCHEMA_REGISTRY_URL));
  await codec.register([events.shopifyOrderCreated]);
  const count = Number(process.env.OUTBOX_EVENTS ?? 10);
  await dataSource.transaction(async (manager) => {
    for (let index = 0; index < count; index += 1) {
      // Three orders, several events each: order is what the relay must keep per key.
      const value = sampleOrderCreated({ id: String(500 + (index % 3)), name: `#${index}` });
      await manager.query(
        'INSERT INTO order_states (order_id, version) VALUES ($1, 1) ON CONFLICT (order_id) DO UPDATE SET version = order_states.version + 1',
        [value.order.id],
      );
      await appendToOutbox(manager, codec, definition, value);
    }
  });
  process.stdout.write('committed\n');
  process.kill(process.pid, 'SIGKILL');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

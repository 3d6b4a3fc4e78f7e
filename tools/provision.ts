import { kafkaConnection, loadConfig, platformConnectionSettings } from '@consign/config';
import { createKafka, EventCodec, provisionPlatform } from '@consign/kafka';
import { assertPinnedRuntime } from './pinned-runtime';

/**
 * `npm run provision`: creates the catalogue's topics and registers every event schema with its
 * compatibility rule. Idempotent. It connects as the apps do (KAFKA_*, SCHEMA_REGISTRY_URL): the
 * local infrastructure with NODE_ENV=development, named endpoints anywhere else.
 */
async function main(): Promise<void> {
  assertPinnedRuntime('provision');
  const config = loadConfig(platformConnectionSettings(process.env));
  const report = await provisionPlatform(createKafka({ clientId: 'provision', connection: kafkaConnection(config) }), new EventCodec(config.schemaRegistryUrl));
  const json = { createdTopics: report.created, existingTopics: report.existing, reconfiguredTopics: report.reconfigured, schemaIds: Object.fromEntries(report.schemas) };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(json, null, 2));
    return;
  }
  console.log(`topics created: ${report.created.join(', ') || 'none'}; already there: ${report.existing.join(', ') || 'none'}; settings updated: ${report.reconfigured.join(', ') || 'none'}`);
  for (const [eventType, id] of report.schemas) console.log(`schema ${eventType}: registry id ${id}`);
}

main().catch((error: unknown) => {
  console.error(`provision failed: ${(error as Error).message}`);
  process.exit(1);
});

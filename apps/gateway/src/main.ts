import { ConfigError } from '@consign/config';
import { createKafka, EventCodec, EventPublisher, provisionPlatform } from '@consign/kafka';
import { createLogger, createServiceHttp, httpReadiness, runService } from '@consign/service-runtime';
import { createShopifyWebhookRouter } from '@consign/webhook-gateway';
import { loadGatewayConfig } from './config';

const service = 'gateway';

async function main(): Promise<void> {
  const logger = createLogger(service);
  const config = loadGatewayConfig();
  const kafka = createKafka({ clientId: service, brokers: config.kafkaBrokers });
  const codec = new EventCodec(config.schemaRegistryUrl);
  const provisioned = await provisionPlatform(kafka, codec);
  logger.info({ createdTopics: provisioned.created, schemas: Object.fromEntries(provisioned.schemas) }, 'topics and schemas provisioned');

  const publisher = new EventPublisher(kafka, codec);
  await publisher.connect();
  const admin = kafka.admin();
  await admin.connect();

  const http = createServiceHttp({
    service,
    logger,
    readiness: [
      { name: 'kafka', check: async () => void (await admin.describeCluster()) },
      httpReadiness('schema-registry', `${config.schemaRegistryUrl}/subjects`),
    ],
  });
  http.app.use(createShopifyWebhookRouter({ tenants: config.tenants, publisher, logger, bodyLimitBytes: config.bodyLimitBytes }));
  http.finish();

  await runService({
    service,
    port: config.port,
    app: http.app,
    logger,
    stop: [
      { name: 'publisher', run: () => publisher.disconnect() },
      { name: 'kafka-admin', run: () => admin.disconnect() },
    ],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${service} failed to start: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});

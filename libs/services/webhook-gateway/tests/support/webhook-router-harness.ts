import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { events } from '@consign/contracts';
import { createKafka, EventCodec, EventPublisher, plainKafkaConnection } from '@consign/kafka';
import { applyRequestDeadlines, createPublicHttp, RequestDeadlines } from '@consign/service-runtime';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { testEndpoints } from '@consign/test-support';
import { developmentKeyEncryptionKeys } from '@consign/personal-data';
import {
  ArchiveSealing,
  DeliveryHistory,
  DeliveryStore,
  GatewayMetrics,
  WebhookIntake,
  WebhookAdmission,
  createWebhookRouter,
  signSvixBody,
} from '@consign/webhook-gateway';
import { GatewayDatabase, openGatewayDatabase } from './gateway-database';

export interface RouterUnderTest {
  base: string;
  /** The router's metrics, the in-flight gauge among them. */
  registry: Registry;
}

export interface RouterOptions {
  tenants: Tenant[];
  maxInFlight: number;
  maxInFlightPerSender: number;
  /** Applied to the HTTP server before it listens, as the gateway's public listener does. */
  deadlines?: RequestDeadlines;
}

/**
 * The webhook router on real HTTP servers over a real PostgreSQL and registry. Kafka is unreachable
 * (nothing listens on its port), so admitted deliveries end in the spool once the 200 ms publish
 * timeout passes.
 */
export class WebhookRouterHarness {
  readonly dataSource: DataSource;
  /** Every router served records its requests here. */
  readonly history: DeliveryHistory;
  private readonly servers: Server[] = [];

  private constructor(
    private readonly database: GatewayDatabase,
    private readonly codec: EventCodec,
    private readonly publisher: EventPublisher,
  ) {
    this.dataSource = database.dataSource;
    this.history = new DeliveryHistory(this.dataSource);
  }

  static async open(databasePrefix: string): Promise<WebhookRouterHarness> {
    const database = await openGatewayDatabase(databasePrefix);
    const codec = new EventCodec(testEndpoints().schemaRegistryUrl);
    await codec.register(Object.values(events));
    const unreachable = new EventPublisher(
      createKafka({ clientId: `${databasePrefix}-kafka-down`, connection: plainKafkaConnection(['127.0.0.1:1']) }),
      codec,
    );
    return new WebhookRouterHarness(database, codec, unreachable);
  }

  async serve(options: RouterOptions): Promise<RouterUnderTest> {
    const logger = pino({ level: 'silent' });
    const store = new DeliveryStore(this.dataSource);
    const registry = new Registry();
    const metrics = new GatewayMetrics(registry, () => store.spoolBacklog());
    const http = createPublicHttp({ service: 'gateway-router-test', logger, readiness: [], metrics: registry });
    http.app.use(
      createWebhookRouter({
        tenants: new TenantDirectory(options.tenants),
        intake: new WebhookIntake({ store, publisher: this.publisher, publishTimeoutMs: 200 }),
        codec: this.codec,
        logger,
        metrics,
        bodyLimitBytes: 1024 * 1024,
        admission: new WebhookAdmission(options.maxInFlight, options.maxInFlightPerSender, (inFlight) => metrics.inFlight.set(inFlight)),
        trustedProxies: [],
        allowlists: { shopify: [], clerk: [] },
        svixToleranceSeconds: 300,
        archiveSealing: new ArchiveSealing(this.dataSource, developmentKeyEncryptionKeys),
        history: this.history,
      }),
    );
    http.finish();
    const server = createServer(http.app);
    if (options.deadlines) applyRequestDeadlines(server, options.deadlines);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers.push(server);
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, registry };
  }

  async close(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await this.history.stop();
    await this.publisher.disconnect().catch(() => undefined);
    await this.database.drop();
  }
}

/** The headers Svix sends with a Clerk delivery of `body`, signed now with the tenant's first secret. */
export function signedClerkHeaders(
  tenant: Tenant,
  body: Buffer,
  messageId = `msg_${Date.now()}_${Math.random().toString(36).slice(2)}`,
): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'svix-id': messageId,
    'svix-timestamp': String(timestamp),
    'svix-signature': signSvixBody(body, tenant.clerkSigningSecrets[0], messageId, timestamp),
  };
}

import { userInfo } from 'node:os';
import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { isDevelopment } from '@consign/config';
import { PlatformError } from '@consign/errors';
import { createKafka, EventCodec, EventPublisher } from '@consign/kafka';
import {
  AdminClient,
  AdminResponse,
  Fetch,
  openOperationsDatabase,
  OperationsSettings,
  operationsSettings,
  platformServices,
  PlatformService,
  ProgressFactory,
  progressTo,
} from '@consign/operations';
import { reconciliationMigrations } from '@consign/reconciliation';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Asks the operator a yes/no question; absent when nobody can answer (no terminal). */
  ask?: (question: string) => Promise<boolean>;
  fetch?: Fetch;
  /** How the operator runs this tool, for help and hints: `npm run ops --` (the default), or `node main.js` for the bundle. */
  invokedAs?: string;
  /** Where progress lines of long work go instead of stderr, even with `--json`: the console streams them to the browser. */
  progress?: (line: string) => void;
}

/** Who acts: `--as`, else OPERATOR, else the login name. */
export function operatorIdentity(as: string | undefined, env: NodeJS.ProcessEnv): string {
  return as ?? env.OPERATOR ?? userInfo().username;
}

/** What the CLI reaches: the Kafka cluster, the audit log's database, the gateway's public listener, each app's API. */
export type Endpoint = 'kafka' | 'audit-log' | 'webhooks' | PlatformService;

/** The variables that name an endpoint, the first being the one to set. */
function variablesOf(endpoint: Endpoint): string[] {
  switch (endpoint) {
    case 'kafka':
      return ['KAFKA_BROKERS'];
    case 'audit-log':
      return ['OPERATIONS_DATABASE_URL', 'RECONCILER_DATABASE_URL'];
    case 'webhooks':
      return ['OPS_WEBHOOK_URL'];
    default:
      return [platformServices[endpoint].variable];
  }
}

/** An app's API, called only once its URL is named (CommandContext.endpoint). */
class NamedServicesClient extends AdminClient {
  constructor(
    private readonly named: (service: PlatformService) => void,
    ...client: ConstructorParameters<typeof AdminClient>
  ) {
    super(...client);
  }

  override request<TBody>(
    service: PlatformService,
    method: 'GET' | 'POST',
    path: string,
    options?: Parameters<AdminClient['request']>[3],
  ): Promise<AdminResponse<TBody>> {
    this.named(service);
    return super.request<TBody>(service, method, path, options);
  }
}

/**
 * Everything a command may need, opened on first use and closed at the end, so `--help` and
 * commands that need only HTTP never connect to Kafka or PostgreSQL.
 */
export class CommandContext {
  readonly settings: OperationsSettings;
  readonly http: AdminClient;
  readonly progress: ProgressFactory;
  private kafkaClient?: Kafka;
  private adminClient?: Promise<Admin>;
  private codecInstance?: EventCodec;
  private publisherInstance?: EventPublisher;
  private databaseInstance?: Promise<DataSource>;

  constructor(
    readonly actor: string,
    options: { apiKey?: string; json: boolean },
    private readonly io: CliIo,
  ) {
    this.settings = operationsSettings(io.env);
    this.http = new NamedServicesClient(
      (service) => this.endpoint(service),
      this.settings.serviceUrls,
      options.apiKey ?? this.settings.apiKey,
      io.fetch,
    );
    const progress = io.progress;
    this.progress = progressTo(progress ? (line) => progress(line) : options.json ? () => undefined : (line) => io.err(`${line}\n`));
  }

  /**
   * Where an endpoint is. Outside development it must be named: the settings' local default would
   * act on whatever listens on this machine, or fail late and obscurely, so the command stops first.
   */
  endpoint(endpoint: Endpoint): string {
    const variables = variablesOf(endpoint);
    if (!isDevelopment(this.io.env) && !variables.some((variable) => this.io.env[variable])) {
      throw new PlatformError(
        `${variables.join(' or ')} is not set: outside development (NODE_ENV=development) the ops CLI never falls back to the local ${endpoint} at ${this.locationOf(endpoint)}`,
        {
          code: 'operations.endpoint_not_named',
          category: 'invalid',
          details: { endpoint, variables },
        },
      );
    }
    return this.locationOf(endpoint);
  }

  /** The endpoints a command acts on, for its plan: each checked as `endpoint` checks it, before anything happens. */
  actingOn(endpoints: Endpoint[]): Record<string, string> {
    return Object.fromEntries(endpoints.map((endpoint) => [endpoint, this.endpoint(endpoint)]));
  }

  private locationOf(endpoint: Endpoint): string {
    switch (endpoint) {
      case 'kafka':
        return this.settings.kafka.brokers.join(',');
      case 'audit-log': {
        // Host and database only: the URL may carry a password.
        const url = new URL(this.settings.databaseUrl);
        return `${url.host}${url.pathname}`;
      }
      case 'webhooks':
        return this.settings.webhookUrl;
      default:
        return this.settings.serviceUrls[endpoint];
    }
  }

  get kafka(): Kafka {
    if (!this.kafkaClient) {
      this.endpoint('kafka');
      // kafkajs logs every retry; the command reports the failure it ends with instead.
      this.kafkaClient = createKafka({ clientId: 'ops-cli', connection: this.settings.kafka });
    }
    return this.kafkaClient;
  }

  admin(): Promise<Admin> {
    this.adminClient ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.adminClient;
  }

  get codec(): EventCodec {
    this.codecInstance ??= new EventCodec(this.settings.registry);
    return this.codecInstance;
  }

  get publisher(): EventPublisher {
    this.publisherInstance ??= new EventPublisher(this.kafka, this.codec);
    return this.publisherInstance;
  }

  database(): Promise<DataSource> {
    if (!this.databaseInstance) {
      this.endpoint('audit-log');
      this.databaseInstance = openOperationsDatabase(
        { url: this.settings.databaseUrl, tls: this.settings.databaseTls },
        reconciliationMigrations,
      );
    }
    return this.databaseInstance;
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      this.adminClient?.then((admin) => admin.disconnect()),
      this.publisherInstance?.disconnect(),
      this.databaseInstance?.then((dataSource) => dataSource.destroy()),
    ]);
  }
}

import { userInfo } from 'node:os';
import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createKafka, EventCodec, EventPublisher } from '@consign/kafka';
import { AdminClient, Fetch, openOperationsDatabase, OperationsSettings, operationsSettings, ProgressFactory, progressTo } from '@consign/operations';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Asks the operator a yes/no question; absent when nobody can answer (no terminal). */
  ask?: (question: string) => Promise<boolean>;
  fetch?: Fetch;
}

/** Who acts: `--as`, else OPERATOR, else the login name. */
export function operatorIdentity(as: string | undefined, env: NodeJS.ProcessEnv): string {
  return as ?? env.OPERATOR ?? userInfo().username;
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

  constructor(readonly actor: string, options: { apiKey?: string; json: boolean }, io: CliIo) {
    this.settings = operationsSettings(io.env);
    this.http = new AdminClient(this.settings.serviceUrls, options.apiKey ?? this.settings.apiKey, io.fetch);
    this.progress = progressTo(options.json ? () => undefined : (line) => io.err(`${line}\n`));
  }

  get kafka(): Kafka {
    // kafkajs logs every retry; the command reports the failure it ends with instead.
    this.kafkaClient ??= createKafka({ clientId: 'ops-cli', connection: this.settings.kafka });
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
    this.databaseInstance ??= openOperationsDatabase({ url: this.settings.databaseUrl, tls: this.settings.databaseTls });
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

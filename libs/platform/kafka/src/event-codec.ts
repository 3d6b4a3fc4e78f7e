import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Middleware } from 'mappersmith';
import TimeoutMiddleware from 'mappersmith/middleware/timeout';
import { RegistryConnection } from '@consign/config';
import { avroSchemas, EventDefinition, subjectCompatibility, subjectOf } from '@consign/contracts';
import { isPlatformError, PlatformError } from '@consign/errors';
import { retry } from '@consign/service-runtime';
import { plainRegistryConnection, registryAgent, registryAuthorization } from './registry-connection';
import { registryRefused, registryRequestTimeoutMs, SchemaRegistryAdmin } from './schema-registry-admin';

// The last: a request the registry did not answer in time (the schema client's timeout).
const unreachable = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed|Timeout \(\d+ms\)/i;
/** The registry client's request failed or timed out, or our own admin calls found it unreachable or failing (5xx). */
function registryDidNotAnswer(error: unknown): boolean {
  if (isPlatformError(error)) return error.code === 'registry.unreachable' || error.category === 'transient';
  return unreachable.test((error as Error).message ?? '');
}
/** Waits before the second and third try of a preparation step the registry did not answer. */
const preparationRetryDelaysMs = [1000, 3000];

/**
 * Encodes and decodes events in the Confluent wire format (magic byte 0, 4-byte schema id, Avro
 * body), with schemas held by the registry.
 */
export class EventCodec {
  private readonly registry: SchemaRegistry;
  private readonly admin: SchemaRegistryAdmin;
  private readonly schemaIds = new Map<string, number>();

  private readonly registryUrl: string;

  /** `registry`: the connection (registryConnectionSettings), or the URL of a registry that asks for no credentials. */
  private readonly retryDelaysMs: readonly number[];

  /** `retryDelaysMs`: the waits between tries of a preparation step the registry did not answer. */
  constructor(registry: RegistryConnection | string, options: { requestTimeoutMs?: number; retryDelaysMs?: readonly number[] } = {}) {
    const connection = typeof registry === 'string' ? plainRegistryConnection(registry) : registry;
    const requestTimeoutMs = options.requestTimeoutMs ?? registryRequestTimeoutMs;
    const authorization = registryAuthorization(connection);
    const middlewares: Middleware[] = [TimeoutMiddleware(requestTimeoutMs)];
    // Basic and bearer alike as a header: the client's own `auth` knows basic only.
    if (authorization !== undefined)
      middlewares.push(() => ({ prepareRequest: (next) => next().then((request) => request.enhance({ headers: { authorization } })) }));
    this.registryUrl = connection.url;
    this.retryDelaysMs = options.retryDelaysMs ?? preparationRetryDelaysMs;
    this.registry = new SchemaRegistry({ host: connection.url, clientId: 'consign-stream', agent: registryAgent(connection), middlewares });
    this.admin = new SchemaRegistryAdmin(connection, requestTimeoutMs);
  }

  /**
   * Registers (idempotently) the schema of each event this process publishes, under the platform's
   * compatibility rule. Reads before it writes: every process start registers, the schemas are
   * nearly always there already, and concurrent writes to one subject are what makes the registry
   * slow to answer.
   */
  async register(definitions: Array<EventDefinition<never>>): Promise<Map<string, number>> {
    for (const definition of definitions) {
      const subject = subjectOf(definition);
      const id = await this.patiently(async () => {
        if ((await this.admin.getCompatibility(subject)) !== subjectCompatibility) {
          await this.admin.setCompatibility(subject, subjectCompatibility);
        }
        const schema = { type: SchemaType.AVRO, schema: JSON.stringify(avroSchemas[definition.schemaName]) } as const;
        const known = await this.admin.registeredSchemaId(subject, schema.schema);
        const registered = known ?? (await this.registry.register(schema, { subject, compatibility: subjectCompatibility as never })).id;
        // Into the client's cache now: encoding must not wait for the registry on a webhook's path.
        if (known !== undefined) await this.registry.getSchema(registered);
        return registered;
      });
      this.schemaIds.set(definition.type, id);
    }
    return new Map(this.schemaIds);
  }

  /**
   * Finds the registry id of each event schema this process publishes without registering
   * anything, for apps that leave registration to `npm run provision`. A subject or schema that is
   * not there yet is a dependency this app waits for, named so an operator knows what to run.
   */
  async resolve(definitions: Array<EventDefinition<never>>): Promise<Map<string, number>> {
    const missing: string[] = [];
    for (const definition of definitions) {
      const subject = subjectOf(definition);
      const id = await this.patiently(() => this.admin.registeredSchemaId(subject, JSON.stringify(avroSchemas[definition.schemaName])));
      if (id === undefined) {
        missing.push(subject);
        continue;
      }
      await this.patiently(() => this.registry.getSchema(id));
      this.schemaIds.set(definition.type, id);
    }
    if (missing.length > 0) {
      throw new PlatformError(
        `the schema registry lacks this version of ${missing.join(', ')}: run \`npm run provision\` (the deploy step) with the registry's admin credentials`,
        {
          code: 'registry.schema_missing',
          category: 'dependency',
          details: { subjects: missing },
        },
      );
    }
    return new Map(this.schemaIds);
  }

  /**
   * Runs an idempotent preparation step again when the registry did not answer it (Apicurio has
   * left a request unanswered while several clients wrote one subject): `npm run provision`, run
   * once per deploy, must not fail on one lost request. Other errors, and the last try's, are thrown.
   */
  private patiently<T>(step: () => Promise<T>): Promise<T> {
    return retry(step, {
      delayMs: (attempt) => this.retryDelaysMs[attempt - 1],
      retryable: (error, attempt) => attempt <= this.retryDelaysMs.length && registryDidNotAnswer(error),
    });
  }

  /** Registers the schemas (development, KAFKA_CREATE_TOPICS's twin SCHEMA_REGISTRY_REGISTER_SCHEMAS) or only finds them. */
  async prepare(definitions: Array<EventDefinition<never>>, options: { register: boolean }): Promise<Map<string, number>> {
    return options.register ? this.register(definitions) : this.resolve(definitions);
  }

  async encode<TValue>(definition: EventDefinition<TValue>, value: TValue): Promise<Buffer> {
    const schemaId = this.schemaIds.get(definition.type);
    if (schemaId === undefined) {
      throw new PlatformError(`schema for ${definition.type} is not registered in this process`, {
        code: 'contracts.schema_not_registered',
        category: 'transient',
      });
    }
    try {
      return await this.registry.encode(schemaId, value);
    } catch (error) {
      throw new PlatformError(`${definition.type} does not match its schema: ${(error as Error).message}`, {
        code: 'contracts.encode_failed',
        category: 'invalid',
        cause: error,
      });
    }
  }

  /** Decodes any platform event; bytes that are not a registered Avro record are poison. */
  async decode<TValue>(bytes: Buffer | null): Promise<{ schemaId: number; value: TValue }> {
    if (!bytes || bytes.length < 5 || bytes.readUInt8(0) !== 0) {
      throw new PlatformError('record is not in the Confluent wire format', { code: 'contracts.not_wire_format', category: 'poison' });
    }
    try {
      return { schemaId: bytes.readInt32BE(1), value: (await this.registry.decode(bytes)) as TValue };
    } catch (error) {
      const message = (error as Error).message;
      // The client's errors carry the registry's HTTP status. Only a registry that answered "no
      // such schema" (404) makes a record poison; refused credentials and a failing registry are
      // waited out, never dead-lettered.
      const status = (error as { status?: unknown }).status;
      if (status === 401 || status === 403) throw registryRefused(status, this.registryUrl);
      if (unreachable.test(message) || (typeof status === 'number' && (status >= 500 || status === 429))) {
        throw new PlatformError(`schema registry unreachable while decoding: ${message}`, {
          code: 'registry.unreachable',
          category: 'dependency',
          cause: error,
        });
      }
      throw new PlatformError(`record cannot be decoded: ${message}`, {
        code: 'contracts.decode_failed',
        category: 'poison',
        cause: error,
      });
    }
  }
}

import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import TimeoutMiddleware from 'mappersmith/middleware/timeout';
import { avroSchemas, EventDefinition, subjectCompatibility, subjectOf } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { registryRequestTimeoutMs, SchemaRegistryAdmin } from './schema-registry-admin';

// The last: a request the registry did not answer in time (the schema client's timeout).
const unreachable = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed|Timeout \(\d+ms\)/i;

/**
 * Encodes and decodes events in the Confluent wire format (magic byte 0, 4-byte schema id, Avro
 * body), with schemas held by the registry.
 */
export class EventCodec {
  private readonly registry: SchemaRegistry;
  private readonly admin: SchemaRegistryAdmin;
  private readonly schemaIds = new Map<string, number>();

  constructor(registryUrl: string, options: { requestTimeoutMs?: number } = {}) {
    const requestTimeoutMs = options.requestTimeoutMs ?? registryRequestTimeoutMs;
    this.registry = new SchemaRegistry({ host: registryUrl, clientId: 'consign-stream', middlewares: [TimeoutMiddleware(requestTimeoutMs)] });
    this.admin = new SchemaRegistryAdmin(registryUrl, requestTimeoutMs);
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
      if ((await this.admin.getCompatibility(subject)) !== subjectCompatibility) {
        await this.admin.setCompatibility(subject, subjectCompatibility);
      }
      const schema = { type: SchemaType.AVRO, schema: JSON.stringify(avroSchemas[definition.schemaName]) } as const;
      const known = await this.admin.registeredSchemaId(subject, schema.schema);
      const id = known ?? (await this.registry.register(schema, { subject, compatibility: subjectCompatibility as never })).id;
      // Into the client's cache now: encoding must not wait for the registry on a webhook's path.
      if (known !== undefined) await this.registry.getSchema(id);
      this.schemaIds.set(definition.type, id);
    }
    return new Map(this.schemaIds);
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
      if (unreachable.test(message)) {
        throw new PlatformError(`schema registry unreachable while decoding: ${message}`, {
          code: 'registry.unreachable',
          category: 'dependency',
          cause: error,
        });
      }
      throw new PlatformError(`record cannot be decoded: ${message}`, { code: 'contracts.decode_failed', category: 'poison', cause: error });
    }
  }
}

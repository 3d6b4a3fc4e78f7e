import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RegistryConnection } from '@consign/config';
import { PlatformError } from '@consign/errors';
import { registryAgent, registryAuthorization } from './registry-connection';

export type CompatibilityLevel =
  'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'NONE';

const contentType = 'application/vnd.schemaregistry.v1+json';

/**
 * How long one registry request may take. A request the registry never answers (seen once in CI,
 * with Apicurio registering the same subject for several services at once) would otherwise hold a
 * service's start-up, or a consumer's decode, for ever instead of failing and being retried.
 */
export const registryRequestTimeoutMs = 10_000;

/**
 * The parts of the Confluent-compatible registry API the schema client does not expose: subject
 * compatibility and compatibility checks. Works with Confluent Schema Registry and Apicurio's
 * ccompat API alike.
 */
export class SchemaRegistryAdmin {
  private readonly baseUrl: string;
  private readonly agent;
  private readonly authorization;

  constructor(
    connection: RegistryConnection,
    private readonly requestTimeoutMs = registryRequestTimeoutMs,
  ) {
    this.baseUrl = connection.url.replace(/\/$/, '');
    this.agent = registryAgent(connection);
    this.authorization = registryAuthorization(connection);
  }

  /**
   * Set explicitly for every subject: Apicurio answers `NONE` for a subject without a rule where
   * Confluent answers 404, which would otherwise make the client refuse to register.
   */
  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  async getCompatibility(subject: string): Promise<string | undefined> {
    const body = await this.request('GET', `/config/${encodeURIComponent(subject)}`, undefined, [404]);
    if (!body) return undefined;
    return String(body.compatibilityLevel ?? body.compatibility ?? '').toUpperCase() || undefined;
  }

  /** The id of `schemaText` under `subject` when it is registered there already. */
  async registeredSchemaId(subject: string, schemaText: string): Promise<number | undefined> {
    const body = await this.request('POST', `/subjects/${encodeURIComponent(subject)}`, { schema: schemaText }, [404]);
    return typeof body?.id === 'number' ? body.id : undefined;
  }

  async listSubjects(): Promise<string[]> {
    return (await this.request('GET', '/subjects')) as unknown as string[];
  }

  /** Whether `schema` may be registered under `subject`, with the registry's reasons when not. */
  async checkCompatibility(subject: string, schema: object): Promise<{ compatible: boolean; messages: string[] }> {
    const body = await this.request(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
      { schema: JSON.stringify(schema) },
      [404],
    );
    if (!body) return { compatible: true, messages: [] };
    const messages = Array.isArray(body.messages) ? body.messages.map(String) : [];
    return { compatible: body.is_compatible === true, messages };
  }

  private async request(
    method: string,
    path: string,
    payload?: unknown,
    tolerated: number[] = [],
  ): Promise<Record<string, unknown> | undefined> {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    let response: { status: number; text: string };
    try {
      response = await this.send(method, path, body);
    } catch (error) {
      throw new PlatformError(`schema registry at ${this.baseUrl} is unreachable: ${(error as Error).message}`, {
        code: 'registry.unreachable',
        category: 'dependency',
        cause: error,
      });
    }
    if (tolerated.includes(response.status)) return undefined;
    if (response.status === 401 || response.status === 403) throw registryRefused(response.status, this.baseUrl);
    if (response.status < 200 || response.status >= 300) {
      throw new PlatformError(`schema registry ${method} ${path} answered ${response.status}: ${response.text}`, {
        code: 'registry.request_failed',
        category: response.status >= 500 ? 'transient' : 'invalid',
      });
    }
    return response.text ? (JSON.parse(response.text) as Record<string, unknown>) : {};
  }

  private send(method: string, path: string, body: string | undefined): Promise<{ status: number; text: string }> {
    const target = new URL(`${this.baseUrl}${path}`);
    const headers: Record<string, string> = { accept: contentType };
    if (body !== undefined) Object.assign(headers, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        target,
        { method, headers, agent: this.agent, signal: AbortSignal.timeout(this.requestTimeoutMs) },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

/**
 * The registry refused our credentials: a setting to fix, not an outage. A dependency failure all
 * the same, so a starting app keeps retrying (the secret may be rotated into place) and says why.
 */
export function registryRefused(status: number, baseUrl: string): PlatformError {
  return new PlatformError(
    `schema registry at ${baseUrl} refused the credentials (HTTP ${status}): check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD, or SCHEMA_REGISTRY_BEARER_TOKEN`,
    {
      code: 'registry.unauthorized',
      category: 'dependency',
    },
  );
}

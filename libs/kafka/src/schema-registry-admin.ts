import { PlatformError } from '@consign/errors';

export type CompatibilityLevel = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'NONE';

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
  constructor(
    private readonly baseUrl: string,
    private readonly requestTimeoutMs = registryRequestTimeoutMs,
  ) {}

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

  private async request(method: string, path: string, payload?: unknown, tolerated: number[] = []): Promise<Record<string, unknown> | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { accept: contentType, ...(payload === undefined ? {} : { 'content-type': contentType }) },
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw new PlatformError(`schema registry at ${this.baseUrl} is unreachable: ${(error as Error).message}`, {
        code: 'registry.unreachable',
        category: 'dependency',
        cause: error,
      });
    }
    if (tolerated.includes(response.status)) return undefined;
    const text = await response.text();
    if (!response.ok) {
      throw new PlatformError(`schema registry ${method} ${path} answered ${response.status}: ${text}`, {
        code: 'registry.request_failed',
        category: response.status >= 500 ? 'transient' : 'invalid',
      });
    }
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }
}

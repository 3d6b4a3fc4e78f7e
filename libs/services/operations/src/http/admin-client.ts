import { PlatformError } from '@consign/errors';
import { PlatformService } from '../settings/operations-settings';

export interface AdminResponse<TBody> {
  status: number;
  body: TBody;
}

export type Fetch = typeof fetch;

/**
 * Calls the platform's admin endpoints with the operator's API key. Answers other than 2xx become
 * readable errors carrying the problem body's code, except the statuses a caller says it handles.
 */
export class AdminClient {
  constructor(
    private readonly serviceUrls: Record<PlatformService, string>,
    private readonly apiKey: string | undefined,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  async request<TBody>(
    service: PlatformService,
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; accept?: number[]; timeoutMs?: number; headers?: Record<string, string> } = {},
  ): Promise<AdminResponse<TBody>> {
    const target = new URL(path, this.serviceUrls[service]).toString();
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(target, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new PlatformError(`${service} is unreachable at ${target}: ${(error as Error).message}`, {
        code: 'operations.service_unreachable',
        category: 'dependency',
        cause: error,
      });
    }
    const text = await response.text();
    const body = parseBody(text);
    if (response.ok || options.accept?.includes(response.status)) return { status: response.status, body: body as TBody };
    const problem = (body ?? {}) as { code?: string; detail?: string; title?: string };
    const reason = problem.detail ?? problem.title ?? (text.slice(0, 200) || response.statusText);
    throw new PlatformError(
      `${service} answered ${response.status} to ${method} ${path}: ${reason}${problem.code ? ` (${problem.code})` : ''}`,
      {
        code: problem.code ?? 'operations.service_refused',
        category: response.status === 401 || response.status === 403 ? 'unauthorized' : 'invalid',
        details: { status: response.status, body },
      },
    );
  }
}

/** An answer's body: its JSON, or the text itself when it is not JSON (a proxy's error page, say). */
export function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

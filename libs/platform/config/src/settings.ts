import { Setting, setting } from './load-config';

function required<T>(raw: string | undefined, fallback: T | undefined): string | T {
  if (raw !== undefined) return raw;
  if (fallback !== undefined) return fallback;
  throw new Error('is required but not set');
}

export function text(variable: string, fallback?: string): Setting<string> {
  return setting(variable, (raw) => required(raw, fallback));
}

export function integer(variable: string, fallback?: number, bounds: { min?: number; max?: number } = {}): Setting<number> {
  return setting(variable, (raw) => {
    const value = required(raw, fallback);
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(parsed)) throw new Error(`must be a whole number, got "${value}"`);
    if (bounds.min !== undefined && parsed < bounds.min) throw new Error(`must be at least ${bounds.min}, got ${parsed}`);
    if (bounds.max !== undefined && parsed > bounds.max) throw new Error(`must be at most ${bounds.max}, got ${parsed}`);
    return parsed;
  });
}

export function port(variable: string, fallback: number): Setting<number> {
  return integer(variable, fallback, { min: 0, max: 65535 });
}

/** A duration such as `500ms`, `30s`, `5m`, `48h` or a bare number of milliseconds. */
export function durationMs(variable: string, fallback: string): Setting<number> {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return setting(variable, (raw) => {
    const value = raw ?? fallback;
    const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
    if (!match) throw new Error(`must be a duration like 500ms, 30s, 5m or 48h, got "${value}"`);
    return Number(match[1]) * units[match[2] ?? 'ms'];
  });
}

export function list(variable: string, fallback?: string[]): Setting<string[]> {
  return setting(variable, (raw) => {
    const value =
      raw === undefined
        ? fallback
        : raw
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean);
    if (value === undefined || value.length === 0) throw new Error('is required: a comma-separated list');
    return value;
  });
}

export function url(variable: string, fallback?: string, protocols?: string[]): Setting<string> {
  return setting(variable, (raw) => {
    const value = required(raw, fallback);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error(`must be a URL, got "${redactUrl(value)}"`);
    }
    if (protocols && !protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new Error(`must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
    }
    return value;
  });
}

export function oneOf<T extends string>(variable: string, choices: readonly T[], fallback: T): Setting<T> {
  return setting(variable, (raw) => {
    const value = raw ?? fallback;
    if (!(choices as readonly string[]).includes(value)) throw new Error(`must be one of ${choices.join(', ')}, got "${value}"`);
    return value as T;
  });
}

/** A JSON value checked by `validate`, which throws a readable reason when the shape is wrong. */
export function json<T>(variable: string, validate: (value: unknown) => T, fallback?: () => T): Setting<T> {
  return setting(variable, (raw) => {
    if (raw === undefined) {
      if (fallback) return fallback();
      throw new Error('is required but not set');
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new Error(`is not valid JSON (${(error as Error).message})`);
    }
    return validate(value);
  });
}

/** Never echo credentials from a URL back into a log or error. */
function redactUrl(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@');
}

/** An address to listen on: an IPv4 or IPv6 literal, or a host name. */
export function host(variable: string, fallback: string): Setting<string> {
  return setting(variable, (raw) => {
    const value = raw ?? fallback;
    if (!/^[A-Za-z0-9.:-]+$/.test(value) || value.length > 253)
      throw new Error(`must be an IP address or host name to listen on, got "${value}"`);
    return value;
  });
}

/** `true` or `false`; anything else is refused rather than guessed. */
export function flag(variable: string, fallback: boolean | undefined): Setting<boolean> {
  return setting(variable, (raw) => {
    if (raw === undefined) {
      if (fallback === undefined) throw new Error('is required: true or false');
      return fallback;
    }
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new Error(`must be true or false, got "${raw}"`);
  });
}

import { PlatformError } from '@consign/errors';

export type JsonObject = Record<string, unknown>;

function invalid(path: string, expectation: string): PlatformError {
  return new PlatformError(`field ${path} ${expectation}`, { code: 'webhook.invalid_field', category: 'invalid', details: { field: path } });
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'must be an object');
  return value as JsonObject;
}

export function arrayAt(parent: JsonObject, field: string, path: string): unknown[] {
  const value = parent[field];
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  return value;
}

/** A Shopify id: a positive integer (exact, possibly beyond 2^53) kept as a decimal string. */
export function idAt(parent: JsonObject, field: string, path: string): string {
  const id = optionalIdAt(parent, field, path);
  if (id === null) throw invalid(path, 'is required');
  return id;
}

export function optionalIdAt(parent: JsonObject, field: string, path: string): string | null {
  const value = parent[field];
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint' && value > 0n) return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value)) return value;
  throw invalid(path, 'must be a positive integer id');
}

export function stringAt(parent: JsonObject, field: string, path: string): string {
  const value = parent[field];
  if (typeof value !== 'string' || value === '') throw invalid(path, 'must be a non-empty string');
  return value;
}

export function optionalStringAt(parent: JsonObject, field: string, path: string): string | null {
  const value = parent[field];
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalid(path, 'must be a string');
  return value;
}

export function integerAt(parent: JsonObject, field: string, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = parent[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(path, `must be an integer of at least ${min}`);
  if (value > max) throw invalid(path, `must be an integer of at most ${max}`);
  return value;
}

/** Avro `int` bounds: a larger count would only fail later, when the event is encoded. */
export const avroIntMin = -2_147_483_648;
export const avroIntMax = 2_147_483_647;

export function optionalIntegerAt(parent: JsonObject, field: string, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | null {
  const value = parent[field];
  if (value === null || value === undefined) return null;
  return integerAt(parent, field, path, min, max);
}

export function booleanAt(parent: JsonObject, field: string, path: string): boolean {
  const value = parent[field];
  if (typeof value !== 'boolean') throw invalid(path, 'must be a boolean');
  return value;
}

/** An array that may be absent or null, read as empty. */
export function optionalArrayAt(parent: JsonObject, field: string, path: string): unknown[] {
  const value = parent[field];
  if (value === null || value === undefined) return [];
  return arrayAt(parent, field, path);
}

export function timestampAt(parent: JsonObject, field: string, path: string): string {
  const value = stringAt(parent, field, path);
  if (Number.isNaN(Date.parse(value))) throw invalid(path, 'must be an ISO 8601 timestamp');
  return value;
}

export function optionalTimestampAt(parent: JsonObject, field: string, path: string): string | null {
  const value = parent[field];
  if (value === null || value === undefined || value === '') return null;
  return timestampAt(parent, field, path);
}

/** Epoch milliseconds as a positive integer (Clerk's created_at, updated_at). */
export function epochMillisAt(parent: JsonObject, field: string, path: string): number {
  const value = parent[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw invalid(path, 'must be a positive integer timestamp in milliseconds');
  return value;
}

export { invalid as invalidField };

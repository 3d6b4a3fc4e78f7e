import { PlatformError } from '@consign/errors';
import { textLimits } from './validation/text-limits';

export type JsonObject = Record<string, unknown>;

/**
 * Why a field was refused, in `details.reason` beside `details.field`: `missing` (absent or empty),
 * `type` (another JSON type), `format` (text of the wrong form), `range` (a number or amount out of
 * bounds), `length` (text too long), `precision` (more decimals than the currency has), `value`
 * (not the value expected), `currency` (no currency the gateway knows).
 */
export type InvalidReason = 'missing' | 'type' | 'format' | 'range' | 'length' | 'precision' | 'value' | 'currency';

function invalid(path: string, expectation: string, reason: InvalidReason): PlatformError {
  return new PlatformError(`field ${path} ${expectation}`, {
    code: 'webhook.invalid_field',
    category: 'invalid',
    details: { field: path, reason },
  });
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(path, 'must be an object', value === undefined ? 'missing' : 'type');
  return value as JsonObject;
}

export function arrayAt(parent: JsonObject, field: string, path: string): unknown[] {
  const value = parent[field];
  if (!Array.isArray(value)) throw invalid(path, 'must be an array', value === undefined || value === null ? 'missing' : 'type');
  return value;
}

/** Shopify ids are unsigned 64-bit integers. */
const maxShopifyId = 2n ** 64n - 1n;
const idExpectation = `must be an integer id from 1 to ${maxShopifyId}`;

/** A Shopify id: an integer in 1..2^64−1 (a number, or a bigint beyond 2^53), kept as a decimal string. */
export function idAt(parent: JsonObject, field: string, path: string): string {
  const id = optionalIdAt(parent, field, path);
  if (id === null) throw invalid(path, 'is required', 'missing');
  return id;
}

export function optionalIdAt(parent: JsonObject, field: string, path: string): string | null {
  const value = parent[field];
  if (value === null || value === undefined) return null;
  // The exact parser gives integers beyond 2^53 as bigints: an unsafe number is a fraction or an
  // integer written in a form (1e20) that already lost its exact value.
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw invalid(path, idExpectation, 'format');
  if (typeof value === 'string') {
    if (!/^[1-9]\d*$/.test(value)) throw invalid(path, idExpectation, 'format');
    // More than 20 digits is out of range whatever they are; BigInt would read every one of them.
    if (value.length > 20) throw invalid(path, idExpectation, 'range');
  } else if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw invalid(path, idExpectation, 'type');
  }
  const id = BigInt(value);
  if (id < 1n || id > maxShopifyId) throw invalid(path, idExpectation, 'range');
  return id.toString();
}

/** Whether `value` has more than `max` characters, counting code points (an emoji is one). */
function longerThan(value: string, max: number): boolean {
  // Each code point is one or two UTF-16 units, so only a string longer than `max` units can be over.
  if (value.length <= max) return false;
  let count = 0;
  for (let index = 0; index < value.length; index += (value.codePointAt(index) ?? 0) > 0xffff ? 2 : 1) {
    count += 1;
    if (count > max) return true;
  }
  return false;
}

/** Refuses text longer than `maxLength` characters (see textLimits). */
export function boundedText(value: string, path: string, maxLength: number): string {
  if (longerThan(value, maxLength)) throw invalid(path, `must be at most ${maxLength} characters long`, 'length');
  return value;
}

export function stringAt(parent: JsonObject, field: string, path: string, maxLength: number): string {
  const value = parent[field];
  if (typeof value !== 'string' || value === '')
    throw invalid(path, 'must be a non-empty string', value === undefined || value === null || value === '' ? 'missing' : 'type');
  return boundedText(value, path, maxLength);
}

export function optionalStringAt(parent: JsonObject, field: string, path: string, maxLength: number): string | null {
  const value = parent[field];
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalid(path, 'must be a string', 'type');
  return boundedText(value, path, maxLength);
}

/**
 * A count: a safe integer within min..max. A bigint (beyond 2^53) is always out of range; every
 * count the gateway reads is an Avro int or smaller.
 */
export function integerAt(parent: JsonObject, field: string, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = parent[field];
  if (typeof value === 'bigint')
    throw invalid(path, value < 0n ? `must be an integer of at least ${min}` : `must be an integer of at most ${max}`, 'range');
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(path, `must be an integer of at least ${min}`, value === undefined || value === null ? 'missing' : 'type');
  }
  if (value < min) throw invalid(path, `must be an integer of at least ${min}`, 'range');
  if (value > max) throw invalid(path, `must be an integer of at most ${max}`, 'range');
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
  if (typeof value !== 'boolean') throw invalid(path, 'must be a boolean', value === undefined || value === null ? 'missing' : 'type');
  return value;
}

/** An array that may be absent or null, read as empty. */
export function optionalArrayAt(parent: JsonObject, field: string, path: string): unknown[] {
  const value = parent[field];
  if (value === null || value === undefined) return [];
  return arrayAt(parent, field, path);
}

export function timestampAt(parent: JsonObject, field: string, path: string): string {
  const value = stringAt(parent, field, path, textLimits.timestamp);
  if (Number.isNaN(Date.parse(value))) throw invalid(path, 'must be an ISO 8601 timestamp', 'format');
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
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(
      path,
      'must be a positive integer timestamp in milliseconds',
      value === undefined || value === null ? 'missing' : typeof value === 'number' ? 'range' : 'type',
    );
  }
  return value;
}

export { invalid as invalidField };

import { Type } from 'avsc';
import { avroSchemas, EventSchemaName } from '@consign/contracts';
import { PlatformError } from '@consign/errors';

/** The PlatformError a mapping throws; fails the test when it throws nothing or something else. */
export function rejection(map: () => unknown): PlatformError {
  try {
    map();
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected the mapping to throw');
}

/** Paths of the fields that make `value` invalid for the event's Avro schema (empty when valid). */
export function avroErrors(schemaName: EventSchemaName, value: unknown): string[] {
  const errors: string[] = [];
  Type.forSchema(avroSchemas[schemaName] as never).isValid(value, { errorHook: (path) => errors.push(path.join('.')) });
  return errors;
}

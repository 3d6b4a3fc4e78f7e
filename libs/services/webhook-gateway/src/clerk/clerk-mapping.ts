import { stringify } from 'lossless-json';
import { ClerkUser, ClerkUserCreated, ClerkUserDeleted, ClerkUserUpdated, events } from '@consign/contracts';
import {
  booleanAt,
  boundedText,
  epochMillisAt,
  invalidField,
  JsonObject,
  objectAt,
  optionalArrayAt,
  optionalStringAt,
  stringAt,
} from '../payload-fields';
import { textLimits } from '../validation/text-limits';
import { clerkEventMetadata, ClerkDelivery } from './clerk-delivery';

/** Unix times below this are seconds: 10^12 ms is 2001, 10^12 s is tens of thousands of years away. */
const secondsBelow = 1e12;

function toMillis(unixTime: number): number {
  return unixTime < secondsBelow ? unixTime * 1000 : unixTime;
}

/**
 * The Clerk instance the envelope names, read before the signature is checked so the gateway can
 * pick the tenant whose secret verifies it. Null when the body has none (or not as a string).
 */
export function clerkInstanceIdOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const instanceId = (payload as JsonObject).instance_id;
  return typeof instanceId === 'string' && instanceId !== '' ? instanceId : null;
}

/** Clerk user ids are `user_` and a base62 id; underscores are allowed too. */
function clerkUserIdAt(data: JsonObject, path: string): string {
  const id = stringAt(data, 'id', path, textLimits.clerkUserId);
  if (!/^user_[0-9A-Za-z_]+$/.test(id))
    throw invalidField(path, 'must be a Clerk user id: user_ followed by letters, digits or underscores', 'format');
  return id;
}

/** The Svix envelope `{ data, object, type, timestamp, instance_id }`, checked to carry the expected type. */
function envelopeOf(payload: unknown, expectedType: string): { envelope: JsonObject; data: JsonObject } {
  const envelope = objectAt(payload, 'body');
  const type = stringAt(envelope, 'type', 'type', textLimits.enumeration);
  if (type !== expectedType) throw invalidField('type', `must be ${expectedType}, got "${type}"`, 'value');
  const data = objectAt(envelope.data, 'data');
  const object = optionalStringAt(data, 'object', 'data.object', textLimits.enumeration);
  if (object !== null && object !== 'user') throw invalidField('data.object', `must be user, got "${object}"`, 'value');
  return { envelope, data };
}

/** Clerk's docs give the envelope timestamp in milliseconds, its spec examples in seconds: both are read. */
function envelopeTimestamp(envelope: JsonObject): number | null {
  const value = envelope.timestamp;
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidField(
      'timestamp',
      'must be a positive integer Unix time in seconds or milliseconds',
      typeof value === 'number' ? 'range' : 'type',
    );
  }
  return toMillis(value);
}

function metadataJson(data: JsonObject, field: string): string {
  const value = data[field];
  if (value === null || value === undefined) return '{}';
  const metadata = objectAt(value, `data.${field}`);
  // lossless-json writes the bigints parseExactJson produced for large integers; JSON.stringify throws on them.
  return boundedText(stringify(metadata) ?? '{}', `data.${field}`, textLimits.metadataJson);
}

function primaryEmailOf(data: JsonObject): string | null {
  const primaryId = optionalStringAt(data, 'primary_email_address_id', 'data.primary_email_address_id', textLimits.clerkObjectId);
  const addresses = optionalArrayAt(data, 'email_addresses', 'data.email_addresses');
  if (primaryId === null) return null;
  for (const [index, item] of addresses.entries()) {
    const path = `data.email_addresses[${index}]`;
    const address = objectAt(item, path);
    if (address.id === primaryId) return stringAt(address, 'email_address', `${path}.email_address`, textLimits.email);
  }
  return null;
}

function userOf(data: JsonObject): ClerkUser {
  return {
    id: clerkUserIdAt(data, 'data.id'),
    primaryEmail: primaryEmailOf(data),
    firstName: optionalStringAt(data, 'first_name', 'data.first_name', textLimits.clerkText),
    lastName: optionalStringAt(data, 'last_name', 'data.last_name', textLimits.clerkText),
    username: optionalStringAt(data, 'username', 'data.username', textLimits.clerkText),
    externalId: optionalStringAt(data, 'external_id', 'data.external_id', textLimits.clerkText),
    imageUrl: optionalStringAt(data, 'image_url', 'data.image_url', textLimits.url),
    publicMetadataJson: metadataJson(data, 'public_metadata'),
    unsafeMetadataJson: metadataJson(data, 'unsafe_metadata'),
    createdAt: epochMillisAt(data, 'created_at', 'data.created_at'),
    updatedAt: epochMillisAt(data, 'updated_at', 'data.updated_at'),
  };
}

/** Maps a Clerk user.created envelope to the ClerkUserCreated event: it happened when the user was created. */
export function mapClerkUserCreated(payload: unknown, delivery: ClerkDelivery): ClerkUserCreated {
  const { envelope, data } = envelopeOf(payload, 'user.created');
  const user = userOf(data);
  return {
    metadata: clerkEventMetadata(delivery, events.clerkUserCreated, user.createdAt),
    user,
    clerkEventAt: envelopeTimestamp(envelope),
  };
}

/**
 * Maps a Clerk user.updated envelope to the ClerkUserUpdated event: the user as it is now, changed
 * at their own updated_at. The envelope's time is when Clerk emitted the event, which can be much
 * later (a resent or replayed event): it is kept beside it.
 */
export function mapClerkUserUpdated(payload: unknown, delivery: ClerkDelivery): ClerkUserUpdated {
  const { envelope, data } = envelopeOf(payload, 'user.updated');
  const user = userOf(data);
  return {
    metadata: clerkEventMetadata(delivery, events.clerkUserUpdated, user.updatedAt),
    user,
    clerkEventAt: envelopeTimestamp(envelope),
  };
}

/**
 * Maps a Clerk user.deleted envelope, whose data is only `{ id, deleted, object }`: with no time of
 * the user's, it happened when Clerk says; svix-timestamp (when this attempt was sent) is the last resort.
 */
export function mapClerkUserDeleted(payload: unknown, delivery: ClerkDelivery): ClerkUserDeleted {
  const { envelope, data } = envelopeOf(payload, 'user.deleted');
  const userId = clerkUserIdAt(data, 'data.id');
  const deleted = booleanAt(data, 'deleted', 'data.deleted');
  return {
    metadata: clerkEventMetadata(delivery, events.clerkUserDeleted, envelopeTimestamp(envelope) ?? toMillis(delivery.svixTimestamp)),
    userId,
    deleted,
  };
}

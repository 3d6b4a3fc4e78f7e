import { readFixture } from '@consign/test-support';
import {
  parseExactJson,
  ClerkDelivery,
  clerkInstanceIdOf,
  mapClerkUserCreated,
  mapClerkUserDeleted,
  mapClerkUserUpdated,
} from '@consign/webhook-gateway';
import { avroErrors, rejection } from '../support/mapping-assertions';

const delivery: ClerkDelivery = {
  tenantId: 'dev-store',
  type: 'user.created',
  svixId: 'msg_2bVbYQ9kN3fZ1pWn0vJxR4tLc7H',
  svixTimestamp: 1_786_000_000,
  receivedAt: 1_786_000_000_250,
  requestId: 'req-clerk',
};

/** Clerk's documented user.deleted example: its data is only the id, the flag and the object kind. */
const userDeletedBody = Buffer.from(
  JSON.stringify({
    data: { deleted: true, id: 'user_29wBMCtzATuFJut8jO2VNTVekS4', object: 'user' },
    event_attributes: { http_request: { client_ip: '0.0.0.0', user_agent: 'Mozilla/5.0' } },
    instance_id: 'ins_123',
    object: 'event',
    timestamp: 1661861640000,
    type: 'user.deleted',
  }),
);

function fixture(name: string): Record<string, unknown> & { data: Record<string, unknown> } {
  return parseExactJson(readFixture(`clerk/${name}`)) as Record<string, unknown> & { data: Record<string, unknown> };
}

function deletedEnvelope(): Record<string, unknown> & { data: Record<string, unknown> } {
  return parseExactJson(userDeletedBody) as Record<string, unknown> & { data: Record<string, unknown> };
}

describe('mapClerkUserCreated', () => {
  it("maps the user.created fixture: it occurred at the user's created_at; the envelope's timestamp (milliseconds) is kept beside", () => {
    const event = mapClerkUserCreated(fixture('user-created.json'), delivery);
    expect(event.user).toEqual({
      id: 'user_29w83sxmDNGwOuEthce5gg56FcC',
      primaryEmail: 'example@example.org',
      firstName: 'Example',
      lastName: 'Example',
      username: null,
      externalId: '567772',
      imageUrl: 'https://img.clerk.com/xxxxxx',
      publicMetadataJson: '{}',
      unsafeMetadataJson: '{}',
      createdAt: 1654012591514,
      updatedAt: 1654012591835,
    });
    expect(event.metadata).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      eventType: 'clerk.user.created',
      schemaVersion: 2,
      occurredAt: 1654012591514,
      receivedAt: delivery.receivedAt,
      source: 'clerk',
      tenantId: 'dev-store',
      shopifyWebhookId: null,
      shopifyEventId: null,
      svixMessageId: delivery.svixId,
      correlationId: 'req-clerk',
      causationId: null,
    });
    expect(event.clerkEventAt).toBe(1654012591835);
    expect(avroErrors('ClerkUserCreated', event)).toEqual([]);
  });

  it('keeps large integers in metadata exact in its JSON text', () => {
    const body = readFixture('clerk/user-created.json')
      .toString('utf8')
      .replace('"public_metadata": {}', '"public_metadata": {"shopifyCustomerId": 115310627314723954, "commission": 0.4, "tags": ["a"]}');
    const event = mapClerkUserCreated(parseExactJson(Buffer.from(body)), delivery);
    expect(event.user.publicMetadataJson).toBe('{"shopifyCustomerId":115310627314723954,"commission":0.4,"tags":["a"]}');
  });

  it.each([
    ['data.id', (envelope: ReturnType<typeof fixture>) => delete envelope.data.id, 'must be a non-empty string'],
    [
      'data.created_at',
      (envelope: ReturnType<typeof fixture>) => (envelope.data.created_at = '2022-05-31'),
      'must be a positive integer timestamp in milliseconds',
    ],
    [
      'data.updated_at',
      (envelope: ReturnType<typeof fixture>) => delete envelope.data.updated_at,
      'must be a positive integer timestamp in milliseconds',
    ],
    ['data.public_metadata', (envelope: ReturnType<typeof fixture>) => (envelope.data.public_metadata = ['admin']), 'must be an object'],
    [
      'data.email_addresses',
      (envelope: ReturnType<typeof fixture>) => (envelope.data.email_addresses = 'example@example.org'),
      'must be an array',
    ],
    [
      'data.email_addresses[0].email_address',
      (envelope: ReturnType<typeof fixture>) => delete (envelope.data.email_addresses as Record<string, unknown>[])[0].email_address,
      'must be a non-empty string',
    ],
    ['data.first_name', (envelope: ReturnType<typeof fixture>) => (envelope.data.first_name = 42), 'must be a string'],
    ['data', (envelope: ReturnType<typeof fixture>) => delete (envelope as Record<string, unknown>).data, 'must be an object'],
    ['data.object', (envelope: ReturnType<typeof fixture>) => (envelope.data.object = 'organization'), 'must be user, got "organization"'],
    ['type', (envelope: ReturnType<typeof fixture>) => (envelope.type = 'user.updated'), 'must be user.created, got "user.updated"'],
    [
      'timestamp',
      (envelope: ReturnType<typeof fixture>) => (envelope.timestamp = '1654012591835'),
      'must be a positive integer Unix time in seconds or milliseconds',
    ],
  ])('rejects an envelope with a missing or malformed %s, naming it', (field, change, expectation) => {
    const envelope = fixture('user-created.json');
    change(envelope);
    const error = rejection(() => mapClerkUserCreated(envelope, delivery));
    expect(error.message).toBe(`field ${field} ${expectation}`);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });

  it.each([
    ['data.id', (envelope: ReturnType<typeof fixture>) => (envelope.data.id = 'usr_29w83sxmDNGwOuEthce5gg56FcC'), 'format'],
    ['data.id', (envelope: ReturnType<typeof fixture>) => (envelope.data.id = 'user_29w83sxm-DNGwOuE'), 'format'],
    ['data.id', (envelope: ReturnType<typeof fixture>) => (envelope.data.id = `user_${'a'.repeat(60)}`), 'length'],
    ['data.first_name', (envelope: ReturnType<typeof fixture>) => (envelope.data.first_name = 'E'.repeat(257)), 'length'],
    ['data.username', (envelope: ReturnType<typeof fixture>) => (envelope.data.username = 'u'.repeat(257)), 'length'],
    [
      'data.image_url',
      (envelope: ReturnType<typeof fixture>) => (envelope.data.image_url = `https://img.clerk.com/${'x'.repeat(2048)}`),
      'length',
    ],
    [
      'data.email_addresses[0].email_address',
      (envelope: ReturnType<typeof fixture>) =>
        ((envelope.data.email_addresses as Record<string, unknown>[])[0].email_address = `${'e'.repeat(309)}@example.org`),
      'length',
    ],
    [
      'data.public_metadata',
      (envelope: ReturnType<typeof fixture>) => (envelope.data.public_metadata = { note: 'm'.repeat(16_384) }),
      'length',
    ],
  ])('refuses an absurd %s', (field, change, reason) => {
    const envelope = fixture('user-created.json');
    change(envelope);
    expect(rejection(() => mapClerkUserCreated(envelope, delivery))).toMatchObject({
      code: 'webhook.invalid_field',
      httpStatus: 400,
      details: { field, reason },
    });
  });

  it('accepts an email address of 320 characters and a user id of 64', () => {
    const envelope = fixture('user-created.json');
    const email = `${'e'.repeat(308)}@example.org`;
    envelope.data.id = `user_${'a'.repeat(59)}`;
    (envelope.data.email_addresses as Record<string, unknown>[])[0].email_address = email;
    expect(mapClerkUserCreated(envelope, delivery).user).toMatchObject({ id: `user_${'a'.repeat(59)}`, primaryEmail: email });
  });

  it('rejects a body that is not an object', () => {
    expect(rejection(() => mapClerkUserCreated([], delivery)).message).toBe('field body must be an object');
  });
});

describe('mapClerkUserUpdated', () => {
  const updatedDelivery = { ...delivery, type: 'user.updated' };

  it("maps the user.updated fixture: it occurred at the user's updated_at, not at the envelope's timestamp (seconds), kept beside", () => {
    const event = mapClerkUserUpdated(fixture('user-updated.json'), updatedDelivery);
    expect(event.user).toEqual({
      id: 'user_2g7np7Hrk0SN6kj5EDMLDaKNL0S',
      // primary_email_address_id names an address that email_addresses leaves out.
      primaryEmail: null,
      firstName: 'John',
      lastName: 'Doe Updated',
      username: 'johndoe',
      externalId: null,
      imageUrl: 'https://img.clerk.com/yyyyy',
      publicMetadataJson: '{"department":"engineering"}',
      unsafeMetadataJson: '{}',
      createdAt: 1716883200000,
      updatedAt: 1716883500000,
    });
    expect(event.metadata).toMatchObject({ eventType: 'clerk.user.updated', occurredAt: 1716883500000, svixMessageId: delivery.svixId });
    expect(event.clerkEventAt).toBe(1716883200 * 1000);
    expect(avroErrors('ClerkUserUpdated', event)).toEqual([]);
  });

  it('keeps no envelope time when the envelope has no timestamp', () => {
    const envelope = fixture('user-updated.json');
    delete envelope.timestamp;
    const event = mapClerkUserUpdated(envelope, updatedDelivery);
    expect([event.metadata.occurredAt, event.clerkEventAt]).toEqual([1716883500000, null]);
  });

  it.each([
    ['data.created_at', (envelope: ReturnType<typeof fixture>) => (envelope.data.created_at = -1)],
    ['data.username', (envelope: ReturnType<typeof fixture>) => (envelope.data.username = ['johndoe'])],
    ['data.unsafe_metadata', (envelope: ReturnType<typeof fixture>) => (envelope.data.unsafe_metadata = 'x')],
    ['type', (envelope: ReturnType<typeof fixture>) => delete envelope.type],
  ])('rejects an envelope with a missing or malformed %s, naming it', (field, change) => {
    const envelope = fixture('user-updated.json');
    change(envelope);
    const error = rejection(() => mapClerkUserUpdated(envelope, updatedDelivery));
    expect(error.message).toMatch(new RegExp(`^field ${field.replace(/[.[\]]/g, '\\$&')} `));
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });
});

describe('mapClerkUserDeleted', () => {
  const deletedDelivery = { ...delivery, type: 'user.deleted' };

  it("maps Clerk's documented user.deleted body", () => {
    const event = mapClerkUserDeleted(deletedEnvelope(), deletedDelivery);
    expect(event.userId).toBe('user_29wBMCtzATuFJut8jO2VNTVekS4');
    expect(event.deleted).toBe(true);
    expect(event.metadata).toMatchObject({
      eventType: 'clerk.user.deleted',
      occurredAt: 1661861640000,
      source: 'clerk',
      svixMessageId: delivery.svixId,
    });
    expect(avroErrors('ClerkUserDeleted', event)).toEqual([]);
  });

  it('falls back to svix-timestamp when the envelope has no timestamp (there is no user updated_at)', () => {
    const envelope = deletedEnvelope();
    delete envelope.timestamp;
    expect(mapClerkUserDeleted(envelope, deletedDelivery).metadata.occurredAt).toBe(delivery.svixTimestamp * 1000);
  });

  it.each([
    ['data.id', (envelope: ReturnType<typeof deletedEnvelope>) => delete envelope.data.id, 'must be a non-empty string'],
    [
      'data.id',
      (envelope: ReturnType<typeof deletedEnvelope>) => (envelope.data.id = 'user 29wBMCtzATuFJut8jO2VNTVekS4'),
      'must be a Clerk user id: user_ followed by letters, digits or underscores',
    ],
    ['data.deleted', (envelope: ReturnType<typeof deletedEnvelope>) => (envelope.data.deleted = 'true'), 'must be a boolean'],
    ['data.deleted', (envelope: ReturnType<typeof deletedEnvelope>) => delete envelope.data.deleted, 'must be a boolean'],
    [
      'timestamp',
      (envelope: ReturnType<typeof deletedEnvelope>) => (envelope.timestamp = 0),
      'must be a positive integer Unix time in seconds or milliseconds',
    ],
  ])('rejects an envelope with a missing or malformed %s, naming it', (field, change, expectation) => {
    const envelope = deletedEnvelope();
    change(envelope);
    const error = rejection(() => mapClerkUserDeleted(envelope, deletedDelivery));
    expect(error.message).toBe(`field ${field} ${expectation}`);
    expect(error).toMatchObject({ code: 'webhook.invalid_field', httpStatus: 400, details: { field } });
  });
});

describe('Clerk envelope time', () => {
  it.each([
    [1654012591835, 1654012591835],
    [1654012591, 1654012591000],
    [999_999_999_999, 999_999_999_999_000],
    [1_000_000_000_000, 1_000_000_000_000],
  ])('reads envelope timestamp %d as %d ms', (timestamp, expected) => {
    const envelope = fixture('user-created.json');
    envelope.timestamp = timestamp;
    expect(mapClerkUserCreated(envelope, delivery).clerkEventAt).toBe(expected);
  });
});

describe('Clerk event ids', () => {
  it('are one per Svix message: the same on a retry, different for another message, type or tenant', () => {
    const envelope = fixture('user-created.json');
    const first = mapClerkUserCreated(envelope, delivery).metadata.eventId;
    expect(
      mapClerkUserCreated(envelope, {
        ...delivery,
        svixTimestamp: delivery.svixTimestamp + 30,
        receivedAt: delivery.receivedAt + 30_000,
        requestId: 'req-2',
      }).metadata.eventId,
    ).toBe(first);
    expect(mapClerkUserCreated(envelope, { ...delivery, svixId: 'msg_other' }).metadata.eventId).not.toBe(first);
    expect(mapClerkUserCreated(envelope, { ...delivery, tenantId: 'other-store' }).metadata.eventId).not.toBe(first);
    expect(mapClerkUserUpdated(fixture('user-updated.json'), { ...delivery, type: 'user.updated' }).metadata.eventId).not.toBe(first);
  });
});

describe('clerkInstanceIdOf', () => {
  it('reads instance_id from the envelope', () => {
    expect(clerkInstanceIdOf(fixture('user-created.json'))).toBe('ins_123');
    expect(clerkInstanceIdOf(fixture('user-updated.json'))).toBe('ins_2g7np7Hrk0SN6kj5EDMLDaKNL0S');
    expect(clerkInstanceIdOf(deletedEnvelope())).toBe('ins_123');
  });

  it.each([
    ['no instance_id', { type: 'user.created' }],
    ['a null instance_id', { instance_id: null }],
    ['a numeric instance_id', { instance_id: 123 }],
    ['an empty instance_id', { instance_id: '' }],
    ['an array body', ['ins_123']],
    ['a string body', 'ins_123'],
    ['a null body', null],
  ])('is null for %s', (_case, payload) => {
    expect(clerkInstanceIdOf(payload)).toBeNull();
  });
});

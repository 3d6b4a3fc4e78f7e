import { events } from '@consign/contracts';
import { Tenant, TenantDirectory } from '@consign/tenants';
import { readFixture } from '@consign/test-support';
import { verifyClerkWebhook } from '../../src/clerk/clerk-verification';
import { deliveryKeyOf } from '../../src/intake/delivery-store';
import { signSvixBody } from '../../src/svix/svix-signature';
import { incomingWebhook, refusalOf } from '../support/incoming-webhooks';
import { testTenant } from '../support/test-tenants';

const secretOf = (name: string) => `whsec_${Buffer.from(`${name}-secret`).toString('base64')}`;
const tenantOf = (id: string, instanceId: string): Tenant =>
  testTenant(id, { clerkInstanceIds: [instanceId], clerkSigningSecrets: [secretOf(id)] });
const store = tenantOf('clerk-store', 'ins_123');
const other = tenantOf('other-store', 'ins_other');
const now = Date.parse('2026-12-07T10:00:00Z');
const settings = { tenants: new TenantDirectory([store, other]), now: () => now, svixToleranceSeconds: 300 };

/** Clerk's user.created fixture (instance ins_123) with `change` applied to its envelope. */
function clerkBody(change: (envelope: Record<string, unknown>) => void = () => undefined): Buffer {
  const envelope = JSON.parse(readFixture('clerk/user-created.json').toString('utf8')) as Record<string, unknown>;
  change(envelope);
  return Buffer.from(JSON.stringify(envelope));
}

function signedBy(tenant: Tenant, body: Buffer, messageId = 'msg_1'): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'svix-id': messageId,
    'svix-timestamp': String(timestamp),
    'svix-signature': signSvixBody(body, tenant.clerkSigningSecrets[0], messageId, timestamp),
  };
}

describe('verifyClerkWebhook', () => {
  it('returns the verified delivery of the tenant whose instance the body names, keyed by its svix-id', () => {
    const body = clerkBody();
    const incoming = incomingWebhook(body, signedBy(store, body));
    const delivery = verifyClerkWebhook(incoming, 'user', settings);
    expect(delivery).toMatchObject({
      source: 'clerk',
      tenantId: 'clerk-store',
      deliveryKey: deliveryKeyOf('clerk', 'clerk-store', 'msg_1'),
      deliveryId: 'msg_1',
      sourceEventId: 'msg_1',
      topic: 'user.created',
      body,
    });
    expect(delivery.event.definition).toBe(events.clerkUserCreated);
    expect(incoming.notes).toEqual([{ tenant: 'clerk-store' }, { tenant: 'clerk-store' }, { topic: 'user.created', svixId: 'msg_1' }]);
  });

  it('tries every tenant the raw bytes name, in order of appearance, and keeps the one whose secret signed', () => {
    const body = clerkBody((envelope) => (envelope.data = { ...(envelope.data as object), public_metadata: { instance_id: 'ins_other' } }));
    const incoming = incomingWebhook(body, signedBy(store, body));
    expect(verifyClerkWebhook(incoming, 'user', settings).tenantId).toBe('clerk-store');
    expect(incoming.notes[0]).toEqual({ tenant: 'other-store,clerk-store' });
  });

  it('refuses a body that names no tenant, or a hint that names none, before checking any signature', () => {
    const stranger = clerkBody((envelope) => (envelope.instance_id = 'ins_nobody'));
    expect(refusalOf(() => verifyClerkWebhook(incomingWebhook(stranger, {}), undefined, settings))).toMatchObject({
      code: 'clerk.unknown_tenant',
      message: 'no instance_id in the body names a tenant with Clerk signing secrets',
    });
    expect(refusalOf(() => verifyClerkWebhook(incomingWebhook(stranger, {}, { tenantHint: 'nobody' }), undefined, settings))).toMatchObject(
      {
        code: 'clerk.unknown_tenant',
        message: '?tenant=nobody names no tenant with Clerk signing secrets',
      },
    );
  });

  it('refuses a wrong signature before the body is parsed', () => {
    const notJson = Buffer.from('{"instance_id":"ins_123",');
    const incoming = incomingWebhook(notJson, signedBy(other, notJson));
    expect(refusalOf(() => verifyClerkWebhook(incoming, undefined, settings))).toMatchObject({ code: 'svix.signature_invalid' });
  });

  it("refuses a delivery signed by one tenant whose top-level instance_id is another's, hinted or not", () => {
    const body = clerkBody((envelope) => (envelope.instance_id = 'ins_other'));
    const hinted = incomingWebhook(body, signedBy(store, body), { tenantHint: 'clerk-store' });
    expect(refusalOf(() => verifyClerkWebhook(hinted, undefined, settings))).toMatchObject({ code: 'clerk.instance_mismatch' });
    const nested = clerkBody((envelope) => {
      envelope.instance_id = 'ins_other';
      envelope.data = { ...(envelope.data as object), public_metadata: { instance_id: 'ins_123' } };
    });
    const unhinted = incomingWebhook(nested, signedBy(store, nested));
    expect(refusalOf(() => verifyClerkWebhook(unhinted, undefined, settings))).toMatchObject({ code: 'clerk.instance_mismatch' });
  });

  it('takes a hinted tenant with an instance no tenant lists', () => {
    const body = clerkBody((envelope) => (envelope.instance_id = 'ins_unlisted'));
    const incoming = incomingWebhook(body, signedBy(store, body), { tenantHint: 'clerk-store' });
    expect(verifyClerkWebhook(incoming, undefined, settings).tenantId).toBe('clerk-store');
  });

  it('takes user.deleted on the routing endpoint only, and refuses a type on another type’s path', () => {
    const deletion = clerkBody((envelope) => {
      envelope.type = 'user.deleted';
      envelope.data = { id: 'user_29w83sxmDNGwOuEthce5gg56FcC', deleted: true, object: 'user' };
    });
    const delivery = verifyClerkWebhook(incomingWebhook(deletion, signedBy(store, deletion)), undefined, settings);
    expect(delivery.event.definition).toBe(events.clerkUserDeleted);
    expect(
      refusalOf(() =>
        verifyClerkWebhook(incomingWebhook(deletion, signedBy(store, deletion), { path: '/webhooks/clerk/user' }), 'user', settings),
      ),
    ).toEqual({
      code: 'clerk.type_not_accepted',
      message: 'event type "user.deleted" does not belong on /webhooks/clerk/user',
      details: { acceptedPaths: [] },
    });
    const unknownType = clerkBody((envelope) => (envelope.type = 'session.created'));
    expect(
      refusalOf(() => verifyClerkWebhook(incomingWebhook(unknownType, signedBy(store, unknownType)), undefined, settings)),
    ).toMatchObject({
      code: 'clerk.type_not_supported',
    });
  });
});

import { PlatformError } from '@consign/errors';
import { TenantDirectory } from '@consign/tenants';
import { parseExactJson } from '../exact-json';
import { deliveryKeyOf } from '../intake/delivery-store';
import { IncomingWebhook, VerifiedDelivery } from '../intake/verified-delivery';
import { verifySvixDeliveryAmong } from '../svix/svix-signature';
import { ClerkPath, clerkTypeRoutes, eventOfRoute, routeOf } from '../webhook-mapping';
import { ClerkDelivery } from './clerk-delivery';
import { clerkInstanceIdOf } from './clerk-mapping';
import { clerkTenantCandidates } from './clerk-tenant-candidates';

export interface ClerkVerificationSettings {
  tenants: TenantDirectory;
  now: () => number;
  svixToleranceSeconds: number;
}

/**
 * A Clerk (Svix) delivery, in order: the tenant whose secret signed the raw bytes (before they are
 * parsed), the body's instance_id against that tenant, the event type and the endpoint it came to
 * (`accepts`: the path after /webhooks/clerk/, none for the routing endpoint); then the event it
 * maps to. Throws a PlatformError with a stable `clerk.*` or `svix.*` code at the first step that fails.
 */
export function verifyClerkWebhook(
  incoming: IncomingWebhook,
  accepts: ClerkPath | undefined,
  settings: ClerkVerificationSettings,
): VerifiedDelivery {
  const { tenants } = settings;
  // `?tenant=` names the signer, or the raw bytes' instance ids name candidates, each tried in turn.
  const hinted = incoming.tenantHint !== undefined;
  const named =
    incoming.tenantHint !== undefined
      ? [tenants.byId(incoming.tenantHint)].filter((tenant) => tenant !== undefined)
      : clerkTenantCandidates(incoming.body, tenants);
  const candidates = named.filter((tenant) => tenant.clerkSigningSecrets.length > 0);
  if (candidates.length === 0) {
    const message = hinted
      ? `?tenant=${incoming.tenantHint} names no tenant with Clerk signing secrets`
      : 'no instance_id in the body names a tenant with Clerk signing secrets';
    throw new PlatformError(message, { code: 'clerk.unknown_tenant', category: 'unauthorized' });
  }
  incoming.note({ tenant: candidates.map((tenant) => tenant.id).join(',') });
  const verified = verifySvixDeliveryAmong(
    incoming.body,
    { get: incoming.header },
    candidates.map((tenant) => tenant.clerkSigningSecrets),
    { now: settings.now, toleranceSeconds: settings.svixToleranceSeconds },
  );
  const tenant = candidates[verified.signer];
  incoming.note({ tenant: tenant.id });

  const payload = parseExactJson(incoming.body);
  const instanceId = clerkInstanceIdOf(payload);
  const owner = instanceId === null ? undefined : tenants.byClerkInstanceId(instanceId);
  // Named by ?tenant=, the body may name an instance no tenant lists (the hint skips the lookup),
  // never another tenant's; otherwise the top-level instance_id must be the signing tenant's.
  if (hinted ? owner !== undefined && owner !== tenant : owner !== tenant) {
    throw new PlatformError(
      `the delivery is signed with tenant ${tenant.id}'s secret, but its instance_id "${instanceId ?? ''}" is not one of that tenant's`,
      { code: 'clerk.instance_mismatch', category: 'invalid' },
    );
  }
  const type = typeof payload === 'object' && payload !== null ? String((payload as { type?: unknown }).type ?? '') : '';
  incoming.note({ topic: type, svixId: verified.messageId });
  const route = routeOf(clerkTypeRoutes, type);
  if (!route) throw new PlatformError(`event type "${type}" is not supported`, { code: 'clerk.type_not_supported', category: 'invalid' });
  if (accepts && !route.paths.includes(accepts)) {
    throw new PlatformError(`event type "${type}" does not belong on ${incoming.path}`, {
      code: 'clerk.type_not_accepted',
      category: 'invalid',
      details: { acceptedPaths: route.paths.map((candidate) => `/webhooks/clerk/${candidate}`) },
    });
  }
  const delivery: ClerkDelivery = {
    tenantId: tenant.id,
    type,
    svixId: verified.messageId,
    svixTimestamp: verified.timestamp,
    receivedAt: incoming.receivedAt,
    requestId: incoming.requestId,
  };
  return {
    source: 'clerk',
    tenantId: tenant.id,
    deliveryKey: deliveryKeyOf('clerk', tenant.id, verified.messageId),
    deliveryId: verified.messageId,
    sourceEventId: verified.messageId,
    topic: type,
    body: incoming.body,
    event: eventOfRoute(route, payload, delivery),
    requestId: incoming.requestId,
  };
}

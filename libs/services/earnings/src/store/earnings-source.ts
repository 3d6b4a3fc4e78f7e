import { EventMetadata } from '@consign/contracts';
import { PlatformError } from '@consign/errors';
import { Tenant } from '@consign/tenants';

/** The source of the events this service publishes (derivedMetadata). */
export const earningsSource = 'earnings-service';

/** An event handed to the wrong tenant's handler can never be processed correctly. */
export function assertTenant(metadata: EventMetadata, tenant: Tenant): void {
  if (metadata.tenantId !== tenant.id) {
    throw new PlatformError(`event ${metadata.eventId} belongs to tenant ${metadata.tenantId}, not ${tenant.id}`, {
      code: 'earnings.tenant_mismatch',
      category: 'invalid',
      details: { eventId: metadata.eventId, eventTenantId: metadata.tenantId, tenantId: tenant.id },
    });
  }
}

import { Tenant, TenantDirectory } from '@consign/tenants';
import { ClientClaim } from './consignor-settings';

export type ClientDetermination = { determined: true; tenant: Tenant } | { determined: false; reason: string };

/**
 * The client (tenant) a new consignor belongs to: the one its public metadata names, else the
 * tenant whose Clerk instance sent the event. Never a guess: when neither is a known client the
 * user is held with the reason.
 */
export function determineClient(claim: ClientClaim, eventTenantId: string, tenants: TenantDirectory): ClientDetermination {
  switch (claim.kind) {
    case 'named': {
      const tenant = tenants.byId(claim.clientId);
      return tenant
        ? { determined: true, tenant }
        : { determined: false, reason: `public metadata names clientId "${claim.clientId}", which is not a known client` };
    }
    case 'malformed':
      return { determined: false, reason: `public metadata clientId is unusable (${claim.reason}): ${claim.attemptedValue}` };
    case 'absent': {
      const tenant = tenants.byId(eventTenantId);
      return tenant
        ? { determined: true, tenant }
        : { determined: false, reason: `no clientId in public metadata and the event's tenant "${eventTenantId}" is not a known client` };
    }
  }
}

import { EntityManager } from 'typeorm';
import { ClerkUserCreated, ClerkUserDeleted, ClerkUserUpdated, PlatformEvent } from '@consign/contracts';
import { dispatchTable, EventHandlers } from '@consign/event-service';
import { KeyEncryptionKeys } from '@consign/personal-data';
import { TenantDirectory } from '@consign/tenants';
import { ClerkUserEvent, deactivateConsignor, registerOrUpdateConsignor } from './clerk-users';

/** What every use case needs besides the transaction: the clients, and the keys that wrap personal data. */
interface ConsignorDependencies {
  tenants: TenantDirectory;
  keys: KeyEncryptionKeys;
}

/** consignor-service's one dispatch table. */
const useCases = {
  // Created and updated are one rule: the newest version of the Clerk user wins, whichever arrives first.
  clerkUserCreated: (manager: EntityManager, value: ClerkUserCreated, deps: ConsignorDependencies) =>
    registerOrUpdateConsignor(manager, value, deps.tenants, deps.keys),
  clerkUserUpdated: (manager: EntityManager, value: ClerkUserUpdated, deps: ConsignorDependencies) =>
    registerOrUpdateConsignor(manager, value, deps.tenants, deps.keys),
  // Deactivates the consignor and erases the person's personal data (crypto-shredding).
  clerkUserDeleted: (manager: EntityManager, value: ClerkUserDeleted, deps: ConsignorDependencies) =>
    deactivateConsignor(manager, value, deps.keys),
};
const table = dispatchTable<ConsignorDependencies, typeof useCases>(useCases);

/** The app's handlers, from the table: each clerk.users.v1 event applied exactly once. */
export function consignorEventHandlers(deps: ConsignorDependencies): EventHandlers {
  return table.handlers(() => deps);
}

/**
 * Applies any clerk.users.v1 event through the table inside the caller's transaction and returns
 * the consignor events to publish. An event applied before returns nothing and changes nothing.
 * The user's personal data is stored sealed under their data key, which `keys` wraps.
 */
export function handleClerkUserEvent(
  manager: EntityManager,
  event: ClerkUserEvent,
  tenants: TenantDirectory,
  keys: KeyEncryptionKeys,
): Promise<PlatformEvent[]> {
  return table.apply(manager, event, { tenants, keys });
}

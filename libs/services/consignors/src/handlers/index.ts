import { EntityManager } from 'typeorm';
import { ClerkUserCreated, ClerkUserDeleted, ClerkUserUpdated, events, PlatformEvent } from '@consign/contracts';
import { EventHandlers, EventServiceContext } from '@consign/event-service';
import { KeyEncryptionKeys } from '@consign/personal-data';
import { TenantDirectory } from '@consign/tenants';
import { ClerkUserEvent, deactivateConsignor, registerOrUpdateConsignor } from './clerk-users';

/** What every use case needs besides the transaction: the clients, and the keys that wrap personal data. */
export interface ConsignorDependencies {
  tenants: TenantDirectory;
  keys: KeyEncryptionKeys;
}

/**
 * consignor-service's one dispatch table: the use case for each event it consumes, by catalogue
 * name. The app's handlers and the specs both apply events through it.
 */
const useCases = {
  // Created and updated are one rule: the newest version of the Clerk user wins, whichever arrives first.
  clerkUserCreated: (manager: EntityManager, value: ClerkUserCreated, deps: ConsignorDependencies) =>
    registerOrUpdateConsignor(manager, value, deps.tenants, deps.keys),
  clerkUserUpdated: (manager: EntityManager, value: ClerkUserUpdated, deps: ConsignorDependencies) =>
    registerOrUpdateConsignor(manager, value, deps.tenants, deps.keys),
  // Deactivates the consignor and erases the person's personal data (crypto-shredding).
  clerkUserDeleted: (manager: EntityManager, value: ClerkUserDeleted, deps: ConsignorDependencies) =>
    deactivateConsignor(manager, value, deps.keys),
} satisfies {
  [K in keyof EventHandlers]?: (
    manager: EntityManager,
    value: Parameters<NonNullable<EventHandlers[K]>>[0],
    deps: ConsignorDependencies,
  ) => Promise<PlatformEvent[]>;
};

type UseCaseName = keyof typeof useCases;
// Each entry's value type follows its name; the table above is what the compiler checks.
type AnyUseCase = (manager: EntityManager, value: ClerkUserEvent, deps: ConsignorDependencies) => Promise<PlatformEvent[]>;
const useCaseByType = new Map<string, AnyUseCase>(
  Object.entries(useCases).map(([name, useCase]) => [events[name as UseCaseName].type, useCase as AnyUseCase]),
);

/** The app's handlers: each clerk.users.v1 event applied exactly once. */
export function consignorEventHandlers(deps: ConsignorDependencies): EventHandlers {
  type AnyHandler = (
    value: ClerkUserEvent,
    event: Parameters<EventServiceContext['applyEvent']>[0],
    context: EventServiceContext,
  ) => Promise<unknown>;
  const handlers: Record<string, AnyHandler> = {};
  for (const [name, useCase] of Object.entries(useCases) as Array<[UseCaseName, AnyUseCase]>) {
    handlers[name] = (value, event, context) => context.applyEvent(event, (manager) => useCase(manager, value, deps));
  }
  return handlers as EventHandlers;
}

/**
 * Applies any clerk.users.v1 event inside the caller's transaction and returns the consignor
 * events to publish. An event applied before returns nothing and changes nothing. The user's
 * personal data is stored sealed under their data key, which `keys` wraps.
 */
export async function handleClerkUserEvent(
  manager: EntityManager,
  event: ClerkUserEvent,
  tenants: TenantDirectory,
  keys: KeyEncryptionKeys,
): Promise<PlatformEvent[]> {
  const useCase = useCaseByType.get(event.metadata.eventType);
  return useCase === undefined ? [] : useCase(manager, event, { tenants, keys });
}

import { durationMs, loadConfig } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';
import { tenantsSetting } from '@consign/tenants';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function inventorySettings(env: NodeJS.ProcessEnv) {
  return {
    ...eventServiceSettings('INVENTORY', { port: 3001, database: 'inventory', consumerGroup: 'inventory-service' }, env),
    tenants: tenantsSetting(env),
    // How long a cancellation waits for its order before it is also listed for reconciliation.
    heldCancellationWaitMs: durationMs('INVENTORY_HELD_CANCELLATION_WAIT', '15m'),
  };
}

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(inventorySettings(env), env);
}

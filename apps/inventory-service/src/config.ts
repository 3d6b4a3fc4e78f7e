import { durationMs, loadConfig } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';
import { tenantsSetting } from '@consign/tenants';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function inventorySettings(env: NodeJS.ProcessEnv) {
  return {
    ...eventServiceSettings('inventory-service', env),
    tenants: tenantsSetting(env),
    // How long what arrived early waits for what it names: an order for its products (then it is placed
    // without them), a level for its product or a cancellation for its order (then also listed for
    // reconciliation). A rebuild must not treat what merely came first as missing.
    holdGracePeriodMs: durationMs('INVENTORY_HOLD_GRACE_PERIOD', '15m'),
  };
}

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(inventorySettings(env), env);
}

import { durationMs, loadConfig } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';
import { tenantsSetting } from '@consign/tenants';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function earningsSettings(env: NodeJS.ProcessEnv) {
  return {
    ...eventServiceSettings('earnings-service', env),
    tenants: tenantsSetting(env),
    // How long what came early (an order change before its order, an order line before its product
    // or consignor) waits for it before it is also listed as an exception.
    holdGracePeriodMs: durationMs('EARNINGS_HOLD_GRACE_PERIOD', '15m'),
  };
}

export function loadEarningsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(earningsSettings(env), env);
}

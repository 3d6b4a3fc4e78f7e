import { durationMs, loadConfig } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';
import { tenantsSetting } from '@consign/tenants';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function earningsSettings(env: NodeJS.ProcessEnv) {
  return {
    ...eventServiceSettings('EARNINGS', { port: 3002, database: 'earnings', consumerGroup: 'earnings-service' }, env),
    tenants: tenantsSetting(env),
    // How long a cancellation waits for its order before it is also listed for reconciliation.
    heldCancellationWaitMs: durationMs('EARNINGS_HELD_CANCELLATION_WAIT', '15m'),
  };
}

export function loadEarningsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(earningsSettings(env), env);
}

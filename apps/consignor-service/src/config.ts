import { loadConfig } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';
import { keyEncryptionKeysSetting } from '@consign/personal-data';
import { tenantsSetting } from '@consign/tenants';

/** Apart from loading, so that config-reference.spec.ts can hold docs/configuration.md to the real settings. */
export function consignorSettings(env: NodeJS.ProcessEnv) {
  return {
    ...eventServiceSettings('consignor-service', env),
    tenants: tenantsSetting(env),
    personalDataKeys: keyEncryptionKeysSetting(env),
  };
}

export function loadConsignorConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(consignorSettings(env), env);
}

import { loadConfig } from '@consign/config';
import { eventServiceSettings } from '@consign/event-service';
import { tenantsSetting } from '@consign/tenants';

export function loadConsignorConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...eventServiceSettings('CONSIGNOR', { port: 3003, database: 'consignor', consumerGroup: 'consignor-service' }, env.NODE_ENV),
      tenants: tenantsSetting(env.NODE_ENV),
    },
    env,
  );
}

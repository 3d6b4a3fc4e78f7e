import { ConfigError } from '@consign/config';
import { maxRecordBytes } from '@consign/contracts';
import { loadGatewayConfig } from './config';

describe('gateway configuration', () => {
  it('defaults to the local platform and the development tenant outside production', () => {
    const config = loadGatewayConfig({ NODE_ENV: 'development' });
    expect(config.port).toBe(3000);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(config.schemaRegistryUrl).toBe('http://127.0.0.1:8080/apis/ccompat/v7');
    expect(config.tenants.byShopDomain('shop.myshopify.com')?.id).toBe('dev-store');
    expect(config.claimLingerMs).toBe(2);
    expect(loadGatewayConfig({ NODE_ENV: 'development', GATEWAY_CLAIM_LINGER: '0' }).claimLingerMs).toBe(0);
    expect(config.maxInFlight).toBe(500);
    expect(loadGatewayConfig({ NODE_ENV: 'development', GATEWAY_MAX_IN_FLIGHT: '20' }).maxInFlight).toBe(20);
    expect(() => loadGatewayConfig({ NODE_ENV: 'development', GATEWAY_MAX_IN_FLIGHT: '0' })).toThrow(/GATEWAY_MAX_IN_FLIGHT/);
  });

  it('fails fast in production without tenants, naming every bad variable', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', GATEWAY_PORT: 'http', SCHEMA_REGISTRY_URL: 'ftp://registry' })).toThrow(ConfigError);
    try {
      loadGatewayConfig({ NODE_ENV: 'production', GATEWAY_PORT: 'http', SCHEMA_REGISTRY_URL: 'ftp://registry' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'GATEWAY_PORT: must be a whole number, got "http"',
        'SCHEMA_REGISTRY_URL: must use http or https, got "ftp:"',
        'TENANTS: is required but not set',
        'ADMIN_API_KEY_HASHES: is required: a comma-separated list',
      ]);
    }
  });

  it('refuses a body limit whose archive would not fit in one Kafka record', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'development', WEBHOOK_BODY_LIMIT_BYTES: String(maxRecordBytes) })).toThrow(/WEBHOOK_BODY_LIMIT_BYTES/);
    expect(loadGatewayConfig({ NODE_ENV: 'development', WEBHOOK_BODY_LIMIT_BYTES: String(2 * 1024 * 1024) }).bodyLimitBytes).toBe(2 * 1024 * 1024);
  });
});

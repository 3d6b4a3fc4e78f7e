import { ConfigError } from '@consign/config';
import { maxRecordBytes } from '@consign/contracts';
import { loadGatewayConfig } from './config';

describe('gateway configuration', () => {
  it('defaults to the local platform and the development tenant in development', () => {
    const config = loadGatewayConfig({ NODE_ENV: 'development' });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.internalPort).toBe(3010);
    expect(config.internalHost).toBe('127.0.0.1');
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(config.schemaRegistryUrl).toBe('http://127.0.0.1:8080/apis/ccompat/v7');
    expect(config.tenants.byShopDomain('shop.myshopify.com')?.id).toBe('dev-store');
    expect(config.claimLingerMs).toBe(2);
    expect(loadGatewayConfig({ NODE_ENV: 'development', GATEWAY_CLAIM_LINGER: '0' }).claimLingerMs).toBe(0);
    expect(config.maxInFlight).toBe(500);
    expect(loadGatewayConfig({ NODE_ENV: 'development', GATEWAY_MAX_IN_FLIGHT: '20' }).maxInFlight).toBe(20);
    expect(() => loadGatewayConfig({ NODE_ENV: 'development', GATEWAY_MAX_IN_FLIGHT: '0' })).toThrow(/GATEWAY_MAX_IN_FLIGHT/);
  });

  it.each([{ NODE_ENV: 'production' }, { NODE_ENV: 'prod' }, { NODE_ENV: 'Production' }, {}])(
    'fails fast with NODE_ENV %j and no tenants, naming every bad variable',
    (mode) => {
      let caught: unknown;
      try {
        loadGatewayConfig({ ...mode, GATEWAY_PORT: 'http', SCHEMA_REGISTRY_URL: 'ftp://registry' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).problems).toEqual([
        'GATEWAY_PORT: must be a whole number, got "http"',
        'KAFKA_BROKERS: is required: a comma-separated list',
        'SCHEMA_REGISTRY_URL: must use http or https, got "ftp:"',
        'GATEWAY_DATABASE_URL: is required but not set',
        'TENANTS: is required but not set',
        'TENANT_SECRETS_KEYS: is required but not set',
        'PERSONAL_DATA_KEYS: is required but not set',
        'API_KEYS: is required but not set',
      ]);
    },
  );

  it('refuses a body limit whose archive would not fit in one Kafka record', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'development', WEBHOOK_BODY_LIMIT_BYTES: String(maxRecordBytes) })).toThrow(
      /WEBHOOK_BODY_LIMIT_BYTES/,
    );
    expect(loadGatewayConfig({ NODE_ENV: 'development', WEBHOOK_BODY_LIMIT_BYTES: String(2 * 1024 * 1024) }).bodyLimitBytes).toBe(
      2 * 1024 * 1024,
    );
  });
});

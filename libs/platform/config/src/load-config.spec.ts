import { ConfigError, durationMs, integer, json, list, loadConfig, oneOf, port, text, url } from './index';

describe('loadConfig', () => {
  const spec = {
    port: port('PORT', 3000),
    brokers: list('KAFKA_BROKERS', ['127.0.0.1:9092']),
    registry: url('SCHEMA_REGISTRY_URL', 'http://127.0.0.1:8080'),
    name: text('SERVICE_NAME', 'svc'),
    window: durationMs('DEDUPE_WINDOW', '48h'),
    mode: oneOf('MODE', ['a', 'b'] as const, 'a'),
  };

  it('applies defaults and parses values', () => {
    const config = loadConfig(spec, { PORT: '4000', KAFKA_BROKERS: 'k1:9092, k2:9092', DEDUPE_WINDOW: '30s' });
    expect(config).toEqual({
      port: 4000,
      brokers: ['k1:9092', 'k2:9092'],
      registry: 'http://127.0.0.1:8080',
      name: 'svc',
      window: 30_000,
      mode: 'a',
    });
  });

  it('reports every bad variable by name at once', () => {
    let caught: unknown;
    try {
      loadConfig(spec, { PORT: '70000', SCHEMA_REGISTRY_URL: 'not a url', MODE: 'c', DEDUPE_WINDOW: 'soon' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toEqual([
      'PORT: must be at most 65535, got 70000',
      'SCHEMA_REGISTRY_URL: must be a URL, got "not a url"',
      'DEDUPE_WINDOW: must be a duration like 500ms, 30s, 5m or 48h, got "soon"',
      'MODE: must be one of a, b, got "c"',
    ]);
  });

  it('requires settings without a default and treats empty as unset', () => {
    expect(() => loadConfig({ secret: text('API_KEY') }, { API_KEY: '' })).toThrow('API_KEY: is required but not set');
    expect(() => loadConfig({ n: integer('N') }, { N: '1.5' })).toThrow('N: must be a whole number, got "1.5"');
  });

  it('validates JSON settings with the given validator', () => {
    const tenants = json('TENANTS', (value) => {
      if (!Array.isArray(value)) throw new Error('must be a JSON array');
      return value as unknown[];
    });
    expect(loadConfig({ tenants }, { TENANTS: '[1]' }).tenants).toEqual([1]);
    expect(() => loadConfig({ tenants }, { TENANTS: '{' })).toThrow(/TENANTS: is not valid JSON/);
    expect(() => loadConfig({ tenants }, { TENANTS: '{}' })).toThrow('TENANTS: must be a JSON array');
  });

  it('never echoes credentials from a bad URL', () => {
    expect(() => loadConfig({ db: url('DB_URL', undefined, ['postgres']) }, { DB_URL: 'mysql://user:pw@host/db' })).toThrow(
      'DB_URL: must use postgres, got "mysql:"',
    );
  });
});

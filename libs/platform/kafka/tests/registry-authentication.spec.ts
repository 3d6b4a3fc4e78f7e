import { RegistryConnection } from '@consign/config';
import { events } from '@consign/contracts';
import { RegistryAuthProxy, sampleOrderCreated, startRegistryAuthProxy, testEndpoints } from '@consign/test-support';
import { EventCodec, SchemaRegistryAdmin } from '@consign/kafka';

/**
 * The real registry behind an authenticating TLS proxy, as a managed registry is reached: the
 * codec (registration, encoding, decoding) and the admin calls present the configured
 * credentials and trust only the configured CA.
 */
describe('the schema registry behind TLS and authentication', () => {
  const basic = { username: 'registry-key', password: 'registry-secret' };
  const bearerToken = 'registry-bearer-token';
  let basicProxy: RegistryAuthProxy;
  let bearerProxy: RegistryAuthProxy;

  beforeAll(async () => {
    basicProxy = await startRegistryAuthProxy(testEndpoints().schemaRegistryUrl, basic);
    bearerProxy = await startRegistryAuthProxy(testEndpoints().schemaRegistryUrl, { bearerToken });
  });

  afterAll(async () => {
    await basicProxy?.close();
    await bearerProxy?.close();
  });

  const connection = (
    proxy: RegistryAuthProxy,
    auth: RegistryConnection['auth'],
    trust: 'proxy-ca' | 'system-roots' = 'proxy-ca',
  ): RegistryConnection => ({
    url: proxy.url,
    tls: { mode: 'verify-full', ca: trust === 'proxy-ca' ? proxy.caCertificate : undefined },
    auth,
  });

  async function roundTrip(codec: EventCodec): Promise<unknown> {
    await codec.register([events.shopifyOrderCreated as never]);
    const bytes = await codec.encode(events.shopifyOrderCreated, sampleOrderCreated({ name: '#registry-auth' }));
    return (await codec.decode(bytes)).value;
  }

  it('registers, encodes and decodes with HTTP basic credentials', async () => {
    const before = basicProxy.forwarded();
    const decoded = await roundTrip(new EventCodec(connection(basicProxy, { kind: 'basic', ...basic })));
    expect(decoded).toMatchObject({ order: { name: '#registry-auth' } });
    expect(basicProxy.forwarded()).toBeGreaterThan(before);
  });

  it('registers, encodes and decodes with a bearer token', async () => {
    const decoded = await roundTrip(new EventCodec(connection(bearerProxy, { kind: 'bearer', token: bearerToken })));
    expect(decoded).toMatchObject({ order: { name: '#registry-auth' } });
  });

  it('reports refused credentials as registry.unauthorized, naming the variables to fix and not the secret', async () => {
    const failure = await new EventCodec(connection(basicProxy, { kind: 'basic', username: basic.username, password: 'wrong' }))
      .register([events.shopifyOrderCreated as never])
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'registry.unauthorized', category: 'dependency' });
    expect((failure as Error).message).toContain('SCHEMA_REGISTRY_USERNAME');
    expect((failure as Error).message).not.toContain('wrong');
    expect(basicProxy.refused()).toBeGreaterThan(0);
  });

  it('refuses decoding with refused credentials as a dependency failure, not a poison record', async () => {
    const writer = new EventCodec(connection(basicProxy, { kind: 'basic', ...basic }));
    await writer.register([events.shopifyOrderCreated as never]);
    const bytes = await writer.encode(events.shopifyOrderCreated, sampleOrderCreated());
    const reader = new EventCodec(connection(basicProxy, null));
    const failure = await reader.decode(bytes).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'registry.unauthorized', category: 'dependency' });
  });

  it('does not trust a registry whose certificate does not chain to the configured CA', async () => {
    const failure = await new SchemaRegistryAdmin(connection(basicProxy, { kind: 'basic', ...basic }, 'system-roots'))
      .listSubjects()
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'registry.unreachable' });
    expect((failure as Error).message).toMatch(/certificate/i);
  });
});

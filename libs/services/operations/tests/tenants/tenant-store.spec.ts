import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TopicDefinition } from '@consign/contracts';
import { EventCodec } from '@consign/kafka';
import { createLogger } from '@consign/service-runtime';
import { TemporaryDatabase, testEndpoints, waitFor } from '@consign/test-support';
import {
  afterTenantStoreRead,
  FollowedTenantDirectory,
  readTenantStore,
  removeTenant,
  startTenantDirectory,
  Tenant,
  TenantSecretsKeys,
  TenantStore,
  writeTenant,
} from '@consign/tenants';
import { listOperatorActions, addTenant, listTenants, removeTenantFromStore, rotateTenantSecret } from '@consign/operations';
import { operationsTestDatabase, randomName, testKafka } from '../support/test-fixtures';

const keys = new TenantSecretsKeys([{ id: 'test-1', key: Buffer.alloc(32, 5) }]);
const tenant = (id: string, secret: string): Tenant => ({
  id,
  shopDomain: `${id}.myshopify.com`,
  shopifyWebhookSecrets: [secret],
  clerkInstanceIds: [`ins_${id}`],
  clerkSigningSecrets: ['whsec_c2VjcmV0'],
  currency: 'EUR',
  defaultCommissionRateBasisPoints: 3000,
  consignorTagPrefix: 'consignor:',
});

describe('afterTenantStoreRead', () => {
  it('holds each handler until the tenant store is read, then passes its arguments and answer through', async () => {
    let markRead: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => {
      markRead = resolve;
    });
    const calls: string[] = [];
    const handlers = afterTenantStoreRead(
      { productUpserted: async (value: string) => (calls.push(value), `handled ${value}`) },
      { caughtUp },
    );
    const answer = handlers.productUpserted('p-1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([]);
    markRead();
    expect(await answer).toBe('handled p-1');
    expect(calls).toEqual(['p-1']);
  });
});

describe('tenant store on Kafka', () => {
  const kafka: Kafka = testKafka();
  const codec = new EventCodec(testEndpoints().schemaRegistryUrl);
  const logger = createLogger('tenant-store-test', 'silent');
  const topic: TopicDefinition = {
    name: `${randomName('tenants-test')}.v1`,
    partitions: 1,
    key: 'tenant id',
    retentionMs: 86_400_000,
    cleanupPolicy: 'compact',
  };
  let admin: Admin;
  let store: TenantStore;
  const directories: FollowedTenantDirectory[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topic.name, numPartitions: 1, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    store = { kafka, admin, codec, topic };
  });

  afterAll(async () => {
    await Promise.all(directories.map((directory) => directory.stop()));
    await admin.deleteTopics({ topics: [topic.name] }).catch(() => undefined);
    await admin.disconnect();
  });

  function follow(options: { seed?: Tenant[]; withKeys: boolean }): FollowedTenantDirectory {
    const followed = startTenantDirectory({
      service: 'tenant-store-test',
      kafka,
      codec,
      logger,
      seed: options.seed ?? [],
      secretsKeys: options.withKeys ? keys : undefined,
      topic,
    });
    directories.push(followed);
    return followed;
  }

  it('reads the store at start, is not ready before, then follows every change without a restart', async () => {
    await writeTenant(store, tenant('early', 'secret-early'), keys, 'test');
    const gateway = follow({ withKeys: true, seed: [tenant('seeded', 'secret-seeded')] });
    await expect(gateway.readiness.check()).rejects.toThrow(/is not read to its end yet/);
    expect(gateway.directory.byId('early')).toBeUndefined();
    expect(gateway.directory.byId('seeded')).toBeDefined();
    await gateway.caughtUp;
    await expect(gateway.readiness.check()).resolves.toBeUndefined();
    expect(gateway.directory.byShopDomain('early.myshopify.com')?.shopifyWebhookSecrets).toEqual(['secret-early']);

    await writeTenant(store, tenant('later', 'secret-later'), keys, 'test');
    await waitFor('the tenant added after start', async () => gateway.directory.byShopDomain('later.myshopify.com'));
    await writeTenant(store, tenant('later', 'secret-rotated'), keys, 'test');
    await waitFor('the rotated secret', async () =>
      gateway.directory.byId('later')?.shopifyWebhookSecrets[0] === 'secret-rotated' ? true : undefined,
    );
    await removeTenant(store, 'later');
    await waitFor('the tombstone', async () => (gateway.directory.byId('later') === undefined ? true : undefined));
    expect(gateway.directory.byId('seeded')).toBeDefined();
    expect((await readTenantStore(store)).has('later')).toBe(false);
  }, 60_000);

  it('creates its topic when told to, as an app that creates its topics does', async () => {
    const created = `${randomName('tenants-created')}.v1`;
    const creating = startTenantDirectory({
      service: 'tenant-store-test',
      kafka,
      codec,
      logger,
      seed: [],
      topic: { ...topic, name: created },
      createTopic: true,
    });
    directories.push(creating);
    await creating.caughtUp;
    await expect(creating.readiness.check()).resolves.toBeUndefined();
    expect(await admin.listTopics()).toContain(created);
    await admin.deleteTopics({ topics: [created] }).catch(() => undefined);
  }, 60_000);

  it('reads nothing for a one-off command: the seed alone, ready at once', async () => {
    const command = startTenantDirectory({
      service: 'tenant-store-test',
      kafka,
      codec,
      logger,
      seed: [tenant('seeded', 's')],
      topic,
      follow: false,
    });
    await expect(command.readiness.check()).resolves.toBeUndefined();
    await command.caughtUp;
    expect(command.directory.tenants.map(({ id }) => id)).toEqual(['seeded']);
    await command.stop();
  });

  it('gives an app without the keys the settings, never the secrets', async () => {
    const service = follow({ withKeys: false });
    await service.caughtUp;
    expect(service.directory.byId('early')).toMatchObject({ currency: 'EUR', shopifyWebhookSecrets: [], clerkSigningSecrets: [] });
  }, 60_000);

  it('keeps a tenant whose secrets do not open, with none, so that its webhooks are refused', async () => {
    const otherKeys = new TenantSecretsKeys([{ id: 'test-1', key: Buffer.alloc(32, 6) }]);
    const followed = startTenantDirectory({ service: 'tenant-store-test', kafka, codec, logger, seed: [], secretsKeys: otherKeys, topic });
    directories.push(followed);
    await followed.caughtUp;
    expect(followed.directory.byId('early')?.shopifyWebhookSecrets).toEqual([]);
  }, 60_000);

  describe('operator commands', () => {
    let database: TemporaryDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      ({ database, dataSource } = await operationsTestDatabase());
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await database?.drop();
    });

    it('adds, lists without secrets, rotates, retires and removes, each in the audit log', async () => {
      const deps = { store, database: dataSource, actor: 'alice', keys, development: false };
      const id = randomName('shop');
      const added = await addTenant(deps, { ...tenant(id, 'first-secret') });
      expect(added.tenant).toMatchObject({ id, shopifySecretFingerprints: [expect.stringMatching(/^[0-9a-f]{12}$/)] });
      await expect(addTenant(deps, tenant(id, 'again'))).rejects.toMatchObject({ code: 'tenant.exists' });
      await expect(addTenant(deps, { ...tenant(randomName('copy'), 'x'), shopDomain: `${id}.myshopify.com` })).rejects.toMatchObject({
        code: 'tenant.exists',
      });
      await expect(addTenant(deps, { ...tenant(randomName('public'), 'test_secret_key') })).rejects.toMatchObject({
        code: 'tenant.invalid',
      });

      const listedJson = JSON.stringify(await listTenants(deps));
      expect(listedJson).toContain(id);
      expect(listedJson).not.toContain('first-secret');

      const rotated = await rotateTenantSecret(deps, id, { kind: 'shopify', newSecret: 'second-secret' });
      expect(rotated.tenant.shopifySecretFingerprints).toHaveLength(2);
      const opened = async () => (await readTenantStore(store)).get(id);
      expect((await opened())?.secrets.keyId).toBe('test-1');
      await expect(
        rotateTenantSecret({ ...deps, confirm: async () => false }, id, { kind: 'shopify', retirePrevious: true }),
      ).rejects.toMatchObject({ code: 'operations.refused' });
      const retired = await rotateTenantSecret({ ...deps, confirm: async () => true }, id, { kind: 'shopify', retirePrevious: true });
      expect(retired).toMatchObject({
        tenant: { shopifySecretFingerprints: [rotated.tenant.shopifySecretFingerprints[0]] },
        retired: [added.tenant.shopifySecretFingerprints[0]],
      });

      await expect(removeTenantFromStore({ ...deps, confirm: async () => false }, id)).rejects.toMatchObject({
        code: 'operations.refused',
      });
      expect(await opened()).toBeDefined();
      await removeTenantFromStore({ ...deps, confirm: async () => true }, id);
      expect(await opened()).toBeUndefined();
      await expect(removeTenantFromStore(deps, id)).rejects.toMatchObject({ code: 'tenant.not_in_store' });

      const audit = await listOperatorActions(dataSource, { action: 'tenants.' });
      expect(audit.map(({ action, outcome }) => `${action} ${outcome}`).reverse()).toEqual([
        'tenants.add succeeded',
        'tenants.add failed',
        'tenants.add failed',
        'tenants.list succeeded',
        'tenants.rotate-secret succeeded',
        'tenants.rotate-secret refused',
        'tenants.rotate-secret succeeded',
        'tenants.remove refused',
        'tenants.remove succeeded',
        'tenants.remove failed',
      ]);
      expect(JSON.stringify(audit)).not.toMatch(/first-secret|second-secret/);
    }, 90_000);
  });
});

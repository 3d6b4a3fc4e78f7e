import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { developmentKeyEncryptionKeys as keys } from '@consign/personal-data';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints, startTestServer, TestServer } from '@consign/test-support';
import { consignorIdFor, consignorMigrations, createConsignorReadRouter, handleClerkUserEvent } from '@consign/consignors';
import { fixtureUser, tenants, userCreated, userDeleted, userUpdated } from '../support/clerk-user-events';

describe('consignor read API (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  let server: TestServer;
  let base: string;
  const ada = consignorIdFor('dev-store', 'user_ada');
  const gone = consignorIdFor('dev-store', 'user_gone');
  const adaUpdate = userUpdated('api-2', {
    id: 'user_ada',
    firstName: 'Ada',
    lastName: 'Lovelace',
    primaryEmail: 'broken@',
    updatedAt: fixtureUser.updatedAt + 1,
  });

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_consignors_api');
    dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: consignorMigrations(keys),
      applicationName: 'consignors-api-test',
    });
    await dataSource.initialize();
    await migrateDatabase(dataSource);
    const sequence = [
      userCreated('api-1', { id: 'user_ada' }),
      adaUpdate,
      userCreated('api-3', { id: 'user_gone', firstName: 'Gone' }),
      userDeleted('api-4', 'user_gone'),
      userCreated('api-5', { id: 'user_other', publicMetadataJson: '{"clientId":"other-store"}' }),
      userCreated('api-6', { id: 'user_held', primaryEmail: 'held@example.org', publicMetadataJson: '{"clientId":"nowhere"}' }),
    ];
    for (const event of sequence) await dataSource.transaction((manager) => handleClerkUserEvent(manager, event, tenants, keys));

    server = await startTestServer('consignor-read-test', createConsignorReadRouter(dataSource, keys));
    base = server.base;
  });

  afterAll(async () => {
    await server?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  async function getJson(path: string): Promise<{ status: number; contentType: string | null; body: Record<string, unknown> }> {
    const response = await fetch(`${base}${path}`);
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('lists the consignors of a client, filtered by status', async () => {
    const all = await getJson('/clients/dev-store/consignors');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      tenantId: 'dev-store',
      consignors: [
        expect.objectContaining({
          consignorId: ada,
          displayName: 'Ada Lovelace',
          erased: false,
          status: 'active',
          shopifyTag: `consignor:${ada}`,
          commissionRateBasisPoints: 4000,
        }),
        expect.objectContaining({
          consignorId: gone,
          displayName: null,
          email: null,
          firstName: null,
          lastName: null,
          erased: true,
          status: 'deactivated',
          commissionRateBasisPoints: 4000,
        }),
      ],
    });
    expect((await getJson('/clients/dev-store/consignors?status=deactivated')).body.consignors).toEqual([
      expect.objectContaining({ consignorId: gone }),
    ]);
    expect((await getJson('/clients/other-store/consignors?status=active')).body.consignors).toEqual([
      expect.objectContaining({ consignorId: consignorIdFor('other-store', 'user_other'), tenantId: 'other-store' }),
    ]);
    expect((await getJson('/clients/nobody/consignors')).body).toEqual({ tenantId: 'nobody', consignors: [] });
  });

  it('refuses an unknown status filter with a problem', async () => {
    const answer = await getJson('/clients/dev-store/consignors?status=held');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'consignor.status_filter_invalid', status: 400, statusFilter: 'held' });
  });

  it('shows one consignor with its profile, history and rejected changes', async () => {
    const answer = await getJson(`/consignors/${ada}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      consignor: {
        consignorId: ada,
        tenantId: 'dev-store',
        clerkUserId: 'user_ada',
        status: 'active',
        displayName: 'Ada Lovelace',
        email: 'example@example.org',
        firstName: 'Ada',
        lastName: 'Lovelace',
        erased: false,
        commissionRateBasisPoints: 4000,
        shopifyTag: `consignor:${ada}`,
        registeredByEventId: expect.any(String),
        registeredAt: new Date(fixtureUser.createdAt).toISOString(),
        changedAt: new Date(fixtureUser.updatedAt + 1).toISOString(),
      },
      history: [
        expect.objectContaining({
          change: 'registered',
          field: null,
          from: null,
          to: expect.objectContaining({ id: ada, displayName: 'Example Example', status: 'active' }),
          erased: false,
        }),
        expect.objectContaining({
          change: 'updated',
          field: 'displayName',
          from: 'Example Example',
          to: 'Ada Lovelace',
          eventId: adaUpdate.metadata.eventId,
          erased: false,
        }),
        expect.objectContaining({ change: 'updated', field: 'firstName', from: 'Example', to: 'Ada' }),
        expect.objectContaining({ change: 'updated', field: 'lastName', from: 'Example', to: 'Lovelace', eventType: 'clerk.user.updated' }),
      ],
      rejectedChanges: [
        {
          eventId: adaUpdate.metadata.eventId,
          field: 'email',
          attemptedValue: 'broken@',
          erased: false,
          reason: 'not a valid email address',
          occurredAt: new Date(fixtureUser.updatedAt + 1).toISOString(),
        },
      ],
    });
  });

  it('shows a consignor whose Clerk user was deleted as erased: no name or address anywhere, the rate, status and history kept', async () => {
    const answer = await getJson(`/consignors/${gone}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      consignor: expect.objectContaining({
        consignorId: gone,
        clerkUserId: 'user_gone',
        status: 'deactivated',
        displayName: null,
        email: null,
        firstName: null,
        lastName: null,
        erased: true,
        commissionRateBasisPoints: 4000,
      }),
      history: [
        expect.objectContaining({
          change: 'registered',
          erased: true,
          to: expect.objectContaining({
            id: gone,
            status: 'active',
            commissionRateBasisPoints: 4000,
            displayName: null,
            email: null,
            firstName: null,
            lastName: null,
          }),
        }),
        expect.objectContaining({ change: 'deactivated', field: 'status', from: 'active', to: 'deactivated', erased: false }),
      ],
      rejectedChanges: [],
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/Gone|Example|example\.org/);
  });

  it('answers 404 problems for unknown consignor ids, well-formed or not', async () => {
    for (const id of ['6f1c2d3e-4a5b-5c6d-8e7f-8091a2b3c4d5', 'not-a-uuid']) {
      const answer = await getJson(`/consignors/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'consignor.not_found', consignorId: id });
    }
  });

  it('lists the held users with the reason', async () => {
    expect((await getJson('/held')).body).toEqual({
      held: [
        {
          clerkUserId: 'user_held',
          eventTenantId: 'dev-store',
          reason: 'public metadata names clientId "nowhere", which is not a known client',
          email: 'held@example.org',
          heldSince: new Date(fixtureUser.createdAt).toISOString(),
          lastEventId: expect.any(String),
        },
      ],
    });
  });
});

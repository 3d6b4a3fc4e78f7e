import { DataSource } from 'typeorm';
import { createServiceDataSource, migrateDatabase } from '@consign/database';
import { createTemporaryDatabase, TemporaryDatabase, testEndpoints, testEventMetadata } from '@consign/test-support';
import { operationsMigrations, audited, listOperatorActions, recordAdminCall, recordOperatorAction } from '@consign/operations';

describe('operator audit log (real PostgreSQL)', () => {
  let database: TemporaryDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_operations_test');
    dataSource = createServiceDataSource({
      url: database.url,
      tls: { mode: 'disable' },
      migrations: operationsMigrations,
      applicationName: 'operations-test',
    });
    await dataSource.initialize();
    await migrateDatabase(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('records successful, failed and dry-run actions with who, what, when, parameters and outcome', async () => {
    await audited(dataSource, { actor: 'alice', action: 'offsets.reset', parameters: { group: 'g', to: 'earliest' } }, async () => ({
      partitions: 3,
    }));
    await expect(
      audited(dataSource, { actor: 'bob', action: 'deadletters.redrive', parameters: { ids: ['t:0:1'] } }, async () =>
        Promise.reject(new Error('broker unreachable')),
      ),
    ).rejects.toThrow('broker unreachable');
    await audited(dataSource, { actor: 'alice', action: 'deadletters.purge', parameters: { group: 'g' }, dryRun: true }, async () => ({
      wouldPurge: 2,
    }));

    const all = await listOperatorActions(dataSource);
    expect(
      all.map(({ actor, action, outcome, parameters, result, error }) => ({ actor, action, outcome, parameters, result, error })),
    ).toEqual([
      {
        actor: 'alice',
        action: 'deadletters.purge',
        outcome: 'dry_run',
        parameters: { group: 'g' },
        result: { wouldPurge: 2 },
        error: undefined,
      },
      {
        actor: 'bob',
        action: 'deadletters.redrive',
        outcome: 'failed',
        parameters: { ids: ['t:0:1'] },
        result: undefined,
        error: 'broker unreachable',
      },
      {
        actor: 'alice',
        action: 'offsets.reset',
        outcome: 'succeeded',
        parameters: { group: 'g', to: 'earliest' },
        result: { partitions: 3 },
        error: undefined,
      },
    ]);
    expect(all[0].startedAt).toBeInstanceOf(Date);
  });

  it('filters by actor, action prefix and time', async () => {
    expect((await listOperatorActions(dataSource, { actor: 'bob' })).map((row) => row.action)).toEqual(['deadletters.redrive']);
    expect((await listOperatorActions(dataSource, { action: 'deadletters.' })).map((row) => row.action)).toEqual([
      'deadletters.purge',
      'deadletters.redrive',
    ]);
    expect(await listOperatorActions(dataSource, { since: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('lists newest first by number, not by text (row 10 before row 9)', async () => {
    for (let index = 0; index < 8; index += 1)
      await recordOperatorAction(dataSource, {
        actor: 'dave',
        action: 'audit.order',
        parameters: { index },
        outcome: 'succeeded',
        startedAt: new Date(),
      });
    const listed = await listOperatorActions(dataSource, { actor: 'dave' });
    expect(listed.map((row) => row.parameters.index)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('never lets a row be changed or deleted', async () => {
    const id = await recordOperatorAction(dataSource, {
      actor: 'carol',
      action: 'audit.test',
      parameters: {},
      outcome: 'refused',
      startedAt: new Date(),
    });
    await expect(dataSource.query('UPDATE operator_actions SET actor = $1 WHERE id = $2', ['mallory', id])).rejects.toThrow('audit log');
    await expect(dataSource.query('DELETE FROM operator_actions WHERE id = $1', [id])).rejects.toThrow('audit log');
  });

  it("keeps an app's admin call once, however often its audit event is delivered, with the app that served it", async () => {
    const call = {
      metadata: testEventMetadata('operations.action.recorded', {
        eventId: 'audit-event-1',
        occurredAt: 1,
        receivedAt: 2,
        source: 'inventory-service',
        tenantId: 'platform',
        correlationId: 'req-1',
      }),
      app: 'inventory-service',
      actor: 'api-key:erin',
      action: 'POST /admin/consumer/stop',
      parameters: '{"path":"/admin/consumer/stop","query":{},"body":null}',
      outcome: 'refused' as const,
      status: 403,
      error: 'api.forbidden',
      startedAt: Date.parse('2026-12-06T07:00:00Z'),
      finishedAt: Date.parse('2026-12-06T07:00:01Z'),
    };
    await recordAdminCall(dataSource, call);
    await recordAdminCall(dataSource, call);
    const rows = await listOperatorActions(dataSource, { actor: 'api-key:erin' });
    expect(
      rows.map(({ app, action, outcome, parameters, result, error, startedAt, finishedAt }) => ({
        app,
        action,
        outcome,
        parameters,
        result,
        error,
        startedAt,
        finishedAt,
      })),
    ).toEqual([
      {
        app: 'inventory-service',
        action: 'POST /admin/consumer/stop',
        outcome: 'refused',
        parameters: { path: '/admin/consumer/stop', query: {}, body: null },
        result: { status: 403 },
        error: 'api.forbidden',
        startedAt: new Date('2026-12-06T07:00:00Z'),
        finishedAt: new Date('2026-12-06T07:00:01Z'),
      },
    ]);
    expect((await listOperatorActions(dataSource, { action: 'POST /admin/' })).map((row) => row.actor)).toEqual(['api-key:erin']);
    expect((await listOperatorActions(dataSource, { actor: 'alice' }))[0].app).toBe('ops-cli');
  });
});

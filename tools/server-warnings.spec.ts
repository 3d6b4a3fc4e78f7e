import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverWarningsDuring } from './server-warnings';

describe('serverWarningsDuring', () => {
  it("picks the registry's and Kafka's warnings and errors logged while a failing suite ran, and nothing else", () => {
    const logs = mkdtempSync(join(tmpdir(), 'server-logs-'));
    try {
      writeFileSync(
        join(logs, 'registry.log'),
        [
          '2026-12-07 05:00:00,100 WARN [io.agr.pool] (executor-1) Datasource: acquisition timeout',
          '2026-12-07 05:00:01,000 INFO [io.qua] (main) started',
          '2026-12-07 06:00:00,000 ERROR [io.api] (executor-2) much later',
        ].join('\n'),
      );
      writeFileSync(
        join(logs, 'kafka-server.log'),
        '[2026-12-07 05:00:30,000] ERROR [ReplicaManager broker=1] request timed out (kafka.server.ReplicaManager)\n',
      );
      writeFileSync(join(logs, 'mail.log'), '2026-12-07 05:00:00,000 ERROR not a server we read\n');
      const during: [number, number] = [new Date('2026-12-07T04:59:50').getTime(), new Date('2026-12-07T05:01:00').getTime()];
      const found = serverWarningsDuring(logs, [{ file: 'a.spec.ts', during }, { file: 'b.spec.ts' }]);
      expect(found).toEqual([
        {
          log: 'kafka-server.log',
          file: 'a.spec.ts',
          lines: ['[2026-12-07 05:00:30,000] ERROR [ReplicaManager broker=1] request timed out (kafka.server.ReplicaManager)'],
        },
        {
          log: 'registry.log',
          file: 'a.spec.ts',
          lines: ['2026-12-07 05:00:00,100 WARN [io.agr.pool] (executor-1) Datasource: acquisition timeout'],
        },
      ]);
      expect(serverWarningsDuring(join(logs, 'missing'), [{ file: 'a.spec.ts', during }])).toEqual([]);
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  });
});

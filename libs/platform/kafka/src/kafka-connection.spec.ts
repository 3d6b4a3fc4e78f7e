import { createKafka, LevelLogger, plainKafkaConnection } from './index';
import { kafkaLogLevel, kafkaSecurity } from './kafka-connection';

function recordingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (fields: object, message: string) =>
    lines.push({ level, fields: fields as Record<string, unknown>, message });
  const logger: LevelLogger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { logger, lines };
}

describe('kafkajs log lines', () => {
  it("go through the app's logger, marked as kafkajs, without kafkajs' own time and logger fields", () => {
    const { logger, lines } = recordingLogger();
    const kafka = createKafka({ clientId: 'log-test', connection: plainKafkaConnection(['127.0.0.1:1']), logger });
    kafka.logger().namespace('Consumer').error('Crash: KafkaJSNumberOfRetriesExceeded', { groupId: 'inventory-service' });
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'Crash: KafkaJSNumberOfRetriesExceeded',
        fields: { component: 'kafkajs', namespace: 'Consumer', groupId: 'inventory-service' },
      },
    ]);
  });

  it('are dropped when no logger is given', () => {
    const kafka = createKafka({ clientId: 'log-test', connection: plainKafkaConnection(['127.0.0.1:1']) });
    expect(() => kafka.logger().error('nobody hears this', {})).not.toThrow();
  });

  it('keep real errors and warnings at their level', () => {
    expect(kafkaLogLevel('Consumer', 'error', 'Crash: KafkaJSNumberOfRetriesExceeded')).toBe('error');
    expect(kafkaLogLevel('BrokerPool', 'error', 'Failed to connect to seed broker, trying another broker from the list')).toBe('error');
    expect(kafkaLogLevel('Connection', 'error', 'Connection error: connect ECONNREFUSED 127.0.0.1:1')).toBe('error');
    expect(kafkaLogLevel('Producer', 'warn', 'some other warning')).toBe('warn');
    expect(kafkaLogLevel('Consumer', 'error', 'Crash: KafkaJSConnectionError: Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe(
      'error',
    );
  });

  it('lower what a healthy start or a rebalance always logs', () => {
    expect(kafkaLogLevel('Connection', 'error', 'Response CreateTopics(key: 19, version: 3)')).toBe('debug');
    expect(kafkaLogLevel('Connection', 'error', 'Response GroupCoordinator(key: 10, version: 2)')).toBe('debug');
    expect(kafkaLogLevel('Producer', 'warn', 'Limiting retries for the idempotent producer may invalidate EoS guarantees')).toBe('debug');
    expect(kafkaLogLevel('Runner', 'warn', 'The group is rebalancing, re-joining')).toBe('info');
    expect(
      kafkaLogLevel(
        'Consumer',
        'error',
        "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group",
      ),
    ).toBe('info');
    expect(kafkaLogLevel('Consumer', 'error', 'Crash: KafkaJSProtocolError: The group coordinator is not available')).toBe('info');
    expect(kafkaLogLevel('Consumer', 'error', 'Restarting the consumer in 200ms')).toBe('info');
  });
});

describe('kafkaSecurity', () => {
  it('connects in plain TCP without SASL to the local broker', () => {
    expect(kafkaSecurity(plainKafkaConnection(['127.0.0.1:9092']))).toEqual({ ssl: false });
  });

  it('verifies the brokers against the CA given, with the client certificate, and signs in with the SASL mechanism', () => {
    const security = kafkaSecurity({
      brokers: ['b:9094'],
      tls: { mode: 'verify-full', ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' },
      sasl: { mechanism: 'scram-sha-256', username: 'consign', password: 'pw' },
    });
    expect(security).toEqual({
      ssl: { rejectUnauthorized: true, ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' },
      sasl: { mechanism: 'scram-sha-256', username: 'consign', password: 'pw' },
    });
  });

  it('skips only the name check under verify-ca and every check under require', () => {
    const verifyCa = kafkaSecurity({ brokers: ['b:9094'], tls: { mode: 'verify-ca' }, sasl: null }).ssl as {
      rejectUnauthorized: boolean;
      checkServerIdentity: () => undefined;
    };
    expect(verifyCa.rejectUnauthorized).toBe(true);
    expect(verifyCa.checkServerIdentity()).toBeUndefined();
    expect(
      kafkaSecurity({ brokers: ['b:9094'], tls: { mode: 'require' }, sasl: { mechanism: 'plain', username: 'u', password: 'p' } }),
    ).toEqual({
      ssl: { rejectUnauthorized: false },
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    });
  });
});

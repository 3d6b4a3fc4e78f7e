import { developmentDefault } from './deployment-mode';
import { ConfigOf, rawValue, setting, valueIfValid } from './load-config';
import { platformDefaults } from './platform-defaults';
import { list, oneOf } from './settings';
import { DatabaseTls, databaseTlsSettings } from './tls-settings';

/** How a client proves who it is to the brokers: nothing, or a SASL username and password. */
export const kafkaSaslMechanisms = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof kafkaSaslMechanisms)[number];

/** Everything a Kafka client of the platform needs to reach and sign in to the brokers. */
export interface KafkaConnection {
  brokers: string[];
  /** As for PostgreSQL: `disable`, `require`, `verify-ca` or `verify-full`, with an optional CA and client certificate. */
  tls: DatabaseTls;
  sasl: { mechanism: Exclude<KafkaSaslMechanism, 'none'>; username: string; password: string } | null;
}

/**
 * KAFKA_BROKERS, KAFKA_TLS (with KAFKA_TLS_CA, KAFKA_TLS_CERT, KAFKA_TLS_KEY) and
 * KAFKA_SASL_MECHANISM (with KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD), shared by every app, the
 * CLI and the tools. The brokers are required outside development unless a caller (the CLI) has
 * its own fallback. Development's broker is on this host and plain; anywhere else the brokers must
 * prove who they are (verify-full), as every managed Kafka does. SASL PLAIN is refused without TLS:
 * it would send the password in clear.
 */
export function kafkaConnectionSettings(
  env: NodeJS.ProcessEnv,
  brokersFallback: string[] | undefined = developmentDefault(env, [...platformDefaults.kafkaBrokers]),
) {
  const tls = databaseTlsSettings('KAFKA', env);
  const mechanismOf = oneOf('KAFKA_SASL_MECHANISM', kafkaSaslMechanisms, 'none');
  const mechanism = () => valueIfValid(() => mechanismOf.parse(rawValue(env, 'KAFKA_SASL_MECHANISM')));
  const credential = (variable: string) =>
    setting(variable, (raw) => {
      const current = mechanism();
      if (current === 'none' && raw !== undefined)
        throw new Error('is set, but KAFKA_SASL_MECHANISM is none: set the mechanism the brokers expect');
      if (current !== undefined && current !== 'none' && raw === undefined)
        throw new Error(`is required with KAFKA_SASL_MECHANISM ${current}`);
      return raw;
    });
  return {
    kafkaBrokers: list('KAFKA_BROKERS', brokersFallback),
    kafkaTlsMode: tls.databaseTlsMode,
    kafkaTlsCa: tls.databaseTlsCa,
    kafkaTlsCert: tls.databaseTlsCert,
    kafkaTlsKey: tls.databaseTlsKey,
    kafkaSaslMechanism: setting('KAFKA_SASL_MECHANISM', (raw) => {
      const value = mechanismOf.parse(raw);
      if (value === 'plain' && valueIfValid(() => tls.databaseTlsMode.parse(rawValue(env, 'KAFKA_TLS'))) === 'disable') {
        throw new Error('is plain, which sends the password in clear, but KAFKA_TLS is disable: use TLS, or scram-sha-512');
      }
      return value;
    }),
    kafkaSaslUsername: credential('KAFKA_SASL_USERNAME'),
    kafkaSaslPassword: credential('KAFKA_SASL_PASSWORD'),
  };
}

export type KafkaConnectionConfig = ConfigOf<ReturnType<typeof kafkaConnectionSettings>>;

/** The loaded `kafkaConnectionSettings` as one value, for createKafka. */
export function kafkaConnection(config: KafkaConnectionConfig): KafkaConnection {
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = config;
  return {
    brokers: config.kafkaBrokers,
    tls: { mode: config.kafkaTlsMode, ca: config.kafkaTlsCa, cert: config.kafkaTlsCert, key: config.kafkaTlsKey },
    sasl: mechanism === 'none' || username === undefined || password === undefined ? null : { mechanism, username, password },
  };
}

export { loadConfig, ConfigError, setting, rawValue } from './load-config';
export type { Setting, SettingSpec, ConfigOf } from './load-config';
export { port, text, list, url, integer, durationMs, oneOf, json, host } from './settings';
export { platformDefaults, databaseUrlDefault, databaseUrlSetting, platformConnectionSettings } from './platform-defaults';
export { developmentDefault, isDevelopment } from './deployment-mode';
export { databaseTls, databaseTlsModes, databaseTlsSettings, postgresUrl, readCertificateFile, readPrivateKeyFile, tlsConnectionOptions } from './tls-settings';
export type { DatabaseTls, DatabaseTlsConfig, DatabaseTlsMode, TlsConnectionOptions } from './tls-settings';
export { kafkaConnection, kafkaConnectionSettings, kafkaSaslMechanisms } from './kafka-settings';
export type { KafkaConnection, KafkaConnectionConfig, KafkaSaslMechanism } from './kafka-settings';

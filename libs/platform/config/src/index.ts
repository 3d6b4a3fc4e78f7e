export { loadConfig, ConfigError, setting, rawValue } from './load-config';
export type { Setting, SettingSpec, ConfigOf } from './load-config';
export { port, text, list, url, integer, durationMs, oneOf, json, host, flag } from './settings';
export {
  consumerGroupDefaults,
  platformDefaults,
  databaseUrlDefault,
  databaseUrlSetting,
  platformConnectionSettings,
  startupProvisioningSettings,
} from './platform-defaults';
export { developmentDefault, isDevelopment } from './deployment-mode';
export { localAppUrl, serviceCatalogue } from './service-catalogue';
export type { ConsumingServiceName, PlatformAppName } from './service-catalogue';
export {
  databaseTls,
  databaseTlsSettings,
  postgresUrl,
  readCertificateFile,
  readPrivateKeyFile,
  tlsConnectionOptions,
} from './tls-settings';
export type { DatabaseTls, DatabaseTlsConfig, TlsConnectionOptions } from './tls-settings';
export { kafkaConnection, kafkaConnectionSettings } from './kafka-settings';
export type { KafkaConnection, KafkaConnectionConfig } from './kafka-settings';
export { registryConnection, registryConnectionSettings } from './registry-settings';
export type { RegistryConnection, RegistryConnectionConfig } from './registry-settings';
export { lagExporterSettings, platformConsumerGroups } from './lag-exporter-settings';

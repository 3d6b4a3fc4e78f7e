export { loadConfig, ConfigError, setting, rawValue } from './load-config';
export type { Setting, SettingSpec, ConfigOf } from './load-config';
export { port, text, list, url, integer, durationMs, oneOf, json, host } from './settings';
export { platformDefaults, databaseUrlDefault, databaseUrlSetting, platformConnectionSettings } from './platform-defaults';
export { developmentDefault, isDevelopment } from './deployment-mode';
export { databaseTls, databaseTlsModes, databaseTlsSettings, postgresUrl, readCertificateFile, readPrivateKeyFile } from './tls-settings';
export type { DatabaseTls, DatabaseTlsConfig, DatabaseTlsMode } from './tls-settings';

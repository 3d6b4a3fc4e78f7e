export { loadConfig, ConfigError, setting } from './load-config';
export type { Setting, SettingSpec, ConfigOf } from './load-config';
export { port, text, list, url, integer, durationMs, oneOf, json } from './settings';
export { platformDefaults, databaseUrlDefault } from './platform-defaults';

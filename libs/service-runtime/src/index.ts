export { createLogger } from './logger';
export type { Logger } from './logger';
export { createServiceHttp } from './http-app';
export type { ReadinessCheck, ServiceHttp, ServiceHttpOptions } from './http-app';
export { runService } from './service-lifecycle';
export type { RunningService, RunServiceOptions } from './service-lifecycle';
export { adminApiKeyHashesSetting, apiKeyMatches, developmentAdminKey, hashApiKey, presentedApiKey, requireApiKey } from './api-key';
export { untilDone } from './until-done';
export type { UntilDoneOptions } from './until-done';

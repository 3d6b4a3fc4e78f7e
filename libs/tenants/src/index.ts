export { TenantDirectory, parseTenant } from './tenant';
export type { Tenant } from './tenant';
export { developmentShopifyAdminTokens, developmentTenants } from './development-tenants';
export { publicTestSecretField, tenantsSetting } from './tenant-setting';
export { consignorIdFromTags } from './consignor-tag';
export { secretFingerprint, TenantSecretsKeys, tenantSecretsKeysSetting } from './tenant-secrets';
export { secretsOf, tenantOfRecord, tenantRecord, withPreviousSecretsRetired, withRotatedSecret } from './tenant-record';
export type { SecretKind } from './tenant-record';

export { TenantDirectory, parseTenant, parseTenants } from './tenant';
export type { Tenant } from './tenant';
export { developmentShopifyAdminTokens, developmentTenants } from './development-tenants';
export { publicTestSecretField, tenantsSetting } from './tenant-setting';
export { consignorIdFromTags } from './consignor-tag';
export { openTenantSecrets, sealTenantSecrets, secretFingerprint, TenantSecretsKeys, tenantSecretsKeysSetting } from './tenant-secrets';
export type { SealedSecrets, TenantSecrets, TenantSecretsKey } from './tenant-secrets';
export { secretsOf, tenantOfRecord, tenantRecord, withPreviousSecretsRetired, withRotatedSecret } from './tenant-record';
export type { SecretKind } from './tenant-record';

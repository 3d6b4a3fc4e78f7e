export { TenantDirectory, parseTenants } from './tenant';
export type { Tenant } from './tenant';
export { developmentShopifyAdminTokens, developmentTenants } from './development-tenants';
export { tenantsSetting } from './tenant-setting';
export { consignorIdFromTags } from './consignor-tag';

export { addTenant, listTenants, removeTenantFromStore, rotateTenantSecret } from './tenant-commands';
export type { ListedTenant, SecretRotation, TenantCommandDependencies } from './tenant-commands';

export { readTenantStore, removeTenant, writeTenant } from './tenant-store';
export type { TenantStore } from './tenant-store';
export { afterTenantStoreRead, followTenantStore, startTenantDirectory } from './tenant-directory-follower';
export type { FollowedTenantDirectory, TenantDirectoryOptions } from './tenant-directory-follower';
export { addTenant, listTenants, removeTenantFromStore, rotateTenantSecret } from './tenant-commands';
export type { ListedTenant, SecretRotation, TenantCommandDependencies } from './tenant-commands';

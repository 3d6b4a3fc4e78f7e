export { createServiceDataSource, migrateDatabase, checkDatabase, isDatabaseOutage, databaseOutage } from './data-source';
export type { ServiceDatabaseOptions } from './data-source';

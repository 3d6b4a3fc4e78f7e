export {
  createServiceDataSource,
  postgresSsl,
  migrateDatabase,
  runMigrationCommand,
  checkDatabase,
  isDatabaseOutage,
  postgresOutagePolicy,
} from './data-source';
export type { ServiceDatabaseOptions } from './data-source';
export { applyOnce, applyUnitOnce, CreateProcessedEvents1764355100000 } from './processed-events';
export type { ApplyInUnit, ApplyRunInUnit } from './processed-events';
export { isoTimeSql } from './iso-time';
export { runPrepared } from './prepared-statement';
export type { PreparedStatement } from './prepared-statement';
export { insertRows } from './insert-rows';

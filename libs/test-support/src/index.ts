export { fixturesDir, readFixture } from './fixtures';
export { testEndpoints } from './platform-endpoints';
export { waitFor } from './wait-for';
export { createTemporaryDatabase } from './temporary-database';
export type { TemporaryDatabase } from './temporary-database';
export { freePort, runToCompletion, startServiceProcess } from './service-process';
export type { ServiceProcess } from './service-process';
export { sampleOrderCreated } from './sample-events';

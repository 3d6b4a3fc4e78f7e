export { readFixture } from './fixtures';
export { testEndpoints } from './platform-endpoints';
export { waitFor } from './wait-for';
export { histogramTotal, metricTotal } from './metric-total';
export { createTemporaryDatabase } from './temporary-database';
export { countStatements } from './statement-count';
export type { TemporaryDatabase } from './temporary-database';
export { freePort, runToCompletion, serviceProcessOf, startServiceProcess } from './service-process';
export type { ServiceProcess } from './service-process';
export { sampleOrderCreated, testEventMetadata } from './sample-events';
export { startPrivatePostgres } from './private-postgres';
export type { PrivatePostgres } from './private-postgres';
export { createTestCertificateAuthority } from './test-certificates';
export { readTopic } from './read-topic';
export { developmentMissedOrderId, startDevelopmentShopify } from './development-shop';
export {
  startShopifyAdminStandIn,
  type ShopifyAdminStandIn,
  type StandInOrder,
  type StandInProduct,
  type StandInRequest,
} from './shopify-admin-stand-in';
export { startTestServer } from './test-server';
export type { TestServer } from './test-server';
export { KeepAliveHttpClient } from './keep-alive-http-client';
export { configurationReferenceProblems, documentedVariables } from './configuration-reference';
export {
  describeExchange,
  extraHeaders,
  fieldReplacement,
  fuzzApi,
  fuzzParameters,
  FuzzTally,
  headerValue,
  hostileBody,
  jsonText,
  mutatedJson,
  queryString,
  startGuardedServer,
} from './http-fuzz';
export type { WireAnswer, WireRequest } from './http-fuzz';
export { startRegistryAuthProxy } from './registry-auth-proxy';
export type { RegistryAuthProxy } from './registry-auth-proxy';
export { startPgBouncer, type PgBouncer } from './pgbouncer';
export { clerkUserBody, inventoryLevelBody, orderBody, productBody, refundBody, shopifyId, WebhookSender } from './scenario-webhooks';
export { developmentClerkSecret, shopifySignature, svixSignature } from './webhook-signing';
export { libraryFolders, projectFolders } from './repository-layout';

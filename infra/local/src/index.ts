/**
 * Public API of the local infrastructure (the only module other code should import):
 *
 *   const { started, endpoints } = await ensureInfraUp();   // test setup, `npm start`
 *   await stopInfra(started);                               // stop only what you started
 */
export {
  ensureInfraUp,
  fetchInfra,
  infraEndpoints,
  infraStatus,
  stopInfra,
  type EnsureInfraOptions,
  type EnsureInfraResult,
  type InfraEndpoints,
  type PartStatus,
  type StopOptions,
} from './infra';
export { DATABASES, REGISTRY_DATABASE, databaseNames, type DatabaseName } from './databases';
export { ALL_PARTS, APICURIO_VERSION, KAFKA_VERSION, type PartName } from './config';
export { InfraError, silentLogger, type Logger } from './util';
export { localKafkaSaslSsl, type LocalSaslSslEndpoint } from './kafka';
export { startLocalKafkaCluster, type LocalKafkaCluster, type StartClusterOptions } from './kafka-cluster';
export { containerPackages, ensureSystemPackages } from './system-packages';
export { podmanArguments } from './podman';
export {
  alertmanagerConfig,
  alertRuleFiles,
  developmentMetricsKey,
  ensureMonitoringPackages,
  prometheusConfig,
  startMonitoringStack,
  writeShortenedRules,
  type AlertMailOptions,
  type MonitoringStack,
  type MonitoringStackOptions,
  type RuleShortening,
} from './monitoring';

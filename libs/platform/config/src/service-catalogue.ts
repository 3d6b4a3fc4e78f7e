/**
 * The platform's apps: each one's variable prefix, local ports, database and consumer group. The
 * one place these facts live; the apps' settings, the tools, the ops CLI, the reconciler and the
 * end-to-end harness read them here.
 */
export const serviceCatalogue = {
  // Its public listener takes the webhooks; the internal one serves /admin and /metrics.
  gateway: { prefix: 'GATEWAY', port: 3000, internalPort: 3010, database: 'gateway' },
  'inventory-service': { prefix: 'INVENTORY', port: 3001, database: 'inventory', consumerGroup: 'inventory-service' },
  'earnings-service': { prefix: 'EARNINGS', port: 3002, database: 'earnings', consumerGroup: 'earnings-service' },
  'consignor-service': { prefix: 'CONSIGNOR', port: 3003, database: 'consignor', consumerGroup: 'consignor-service' },
  'notification-service': { prefix: 'NOTIFICATION', port: 3004, database: 'notification', consumerGroup: 'notification-service' },
  // Its database also holds the operators' audit log, which it fills from its own consumer group.
  reconciler: { prefix: 'RECONCILER', port: 3005, database: 'reconciler', auditConsumerGroup: 'reconciler-audit' },
} as const;

export type PlatformAppName = keyof typeof serviceCatalogue;
/** The apps that project events into their database, each with its own consumer group. */
export type ConsumingServiceName = 'inventory-service' | 'earnings-service' | 'consignor-service' | 'notification-service';
export const consumingServices: readonly ConsumingServiceName[] = [
  'inventory-service',
  'earnings-service',
  'consignor-service',
  'notification-service',
];

/** Where an app listens on this machine by default: its admin API for the gateway (`internal`). */
export function localAppUrl(app: PlatformAppName, listener: 'main' | 'internal' = 'main'): string {
  const entry: { port: number; internalPort?: number } = serviceCatalogue[app];
  return `http://127.0.0.1:${listener === 'internal' ? (entry.internalPort ?? entry.port) : entry.port}`;
}

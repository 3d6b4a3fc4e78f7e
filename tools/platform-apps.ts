/** The platform's deployable apps as `npm start` runs them: built bundle, port variables, default ports. */
export interface PlatformApp {
  name: string;
  portVariable: string;
  defaultPort: number;
  /** The gateway's second listener, for /admin and /metrics; every other app serves those on its one port. */
  internal?: { portVariable: string; defaultPort: number };
  /** Whether `main.js migrate` must run before the app serves. */
  migrates: boolean;
}

export const platformApps: PlatformApp[] = [
  { name: 'gateway', portVariable: 'GATEWAY_PORT', defaultPort: 3000, internal: { portVariable: 'GATEWAY_INTERNAL_PORT', defaultPort: 3010 }, migrates: true },
  { name: 'inventory-service', portVariable: 'INVENTORY_PORT', defaultPort: 3001, migrates: true },
  { name: 'earnings-service', portVariable: 'EARNINGS_PORT', defaultPort: 3002, migrates: true },
  { name: 'consignor-service', portVariable: 'CONSIGNOR_PORT', defaultPort: 3003, migrates: true },
  { name: 'notification-service', portVariable: 'NOTIFICATION_PORT', defaultPort: 3004, migrates: true },
  { name: 'reconciler', portVariable: 'RECONCILER_PORT', defaultPort: 3005, migrates: true },
];

import { PlatformAppName, serviceCatalogue } from '@consign/config';

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

/** Every app of the service catalogue; each has a database, so each migrates before it serves. */
export const platformApps: PlatformApp[] = (
  Object.entries(serviceCatalogue) as Array<[PlatformAppName, (typeof serviceCatalogue)[PlatformAppName]]>
).map(([name, entry]) => ({
  name,
  portVariable: `${entry.prefix}_PORT`,
  defaultPort: entry.port,
  ...('internalPort' in entry ? { internal: { portVariable: `${entry.prefix}_INTERNAL_PORT`, defaultPort: entry.internalPort } } : {}),
  migrates: true,
}));

import { Setting, setting } from './load-config';
import { consumerGroupDefaults } from './platform-defaults';
import { durationMs, text } from './settings';

type ConsumerGroupSettings = { readonly [Variable in keyof typeof consumerGroupDefaults]: Setting<string> };

/**
 * The consumer lag exporter's settings (decision 0022): how often it reads Kafka, and the
 * platform's consumer groups, named by the same variables the services and `npm run provision`
 * read, so that a renamed group is watched under its new name.
 */
export function lagExporterSettings(): ConsumerGroupSettings & { lagPollIntervalMs: Setting<number> } {
  const groups = Object.fromEntries(
    Object.entries(consumerGroupDefaults).map(([variable, group]) => [variable, text(variable, group)]),
  ) as unknown as ConsumerGroupSettings;
  return {
    ...groups,
    lagPollIntervalMs: setting('LAG_POLL_INTERVAL', (raw) => {
      const intervalMs = durationMs('LAG_POLL_INTERVAL', '15s').parse(raw);
      // Each poll asks Kafka for every group's offsets; more often than a second only loads the brokers.
      if (intervalMs < 1000) throw new Error(`must be at least 1s, got ${intervalMs}ms`);
      return intervalMs;
    }),
  };
}

/** The platform's consumer groups as the lag exporter's settings name them. */
export function platformConsumerGroups(config: { readonly [Variable in keyof typeof consumerGroupDefaults]: string }): string[] {
  return [
    ...new Set((Object.keys(consumerGroupDefaults) as Array<keyof typeof consumerGroupDefaults>).map((variable) => config[variable])),
  ];
}

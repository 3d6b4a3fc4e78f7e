import { startConsumerScenario } from './consumer-scenario';

/**
 * The test consumer as its own process, so that a test can kill it with SIGKILL mid-batch.
 * Configured by environment; prints "ready" once it consumes.
 */
async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const start = () =>
    startConsumerScenario({
      brokers: env('KAFKA_BROKERS').split(','),
      registryUrl: env('SCHEMA_REGISTRY_URL'),
      databaseUrl: env('WORKER_DATABASE_URL'),
      topic: { name: env('WORKER_TOPIC'), partitions: 3, key: 'order id', retentionMs: 3_600_000 },
      groupId: env('WORKER_GROUP'),
      handlerDelayMs: Number(process.env.WORKER_HANDLER_DELAY_MS ?? 0),
      batched: process.env.WORKER_BATCHED === 'true',
      runs: process.env.WORKER_RUNS === 'true',
    });
  // A young cluster can refuse the first join (coordinator still loading); the services wait that out too.
  let scenario: Awaited<ReturnType<typeof start>> | undefined;
  for (let attempt = 1; scenario === undefined; attempt += 1) {
    try {
      scenario = await start();
    } catch (error) {
      if (attempt >= 10) throw error;
      process.stderr.write(`consumer worker start attempt ${attempt} failed: ${(error as Error).message}\n`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  const started = scenario;
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void started.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`consumer worker failed: ${(error as Error).stack}\n`);
  process.exit(1);
});

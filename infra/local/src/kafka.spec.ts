// infra/tsconfig.json serves the scripts too, so the Jest globals are declared per test file.
/// <reference types="jest" />
import { resolvePaths, resolveSettings } from './config';
import { kafkaStartSpec, serverProperties } from './kafka';

describe('local Kafka broker settings', () => {
  it("keeps the log cleaner's dedupe buffer small beside the 512 MiB heap (the default 128 MiB kept G1 marking after every young collection)", () => {
    const line = serverProperties(resolvePaths(), resolveSettings({}))
      .split('\n')
      .find((candidate) => candidate.startsWith('log.cleaner.dedupe.buffer.size='));
    const bytes = Number(line?.split('=')[1]);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('promotes what survives one young collection, instead of copying it at every one until it is 15 collections old', () => {
    expect(kafkaStartSpec(resolvePaths()).args).toContain('-XX:MaxTenuringThreshold=1');
  });
});

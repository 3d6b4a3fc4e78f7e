import { FirstOffsetFrom, unconsumedRecordAgeMs } from './record-age';

/** A partition's time index over the given record timestamps, counting the questions asked. */
function timeIndex(timestamps: number[]): FirstOffsetFrom & { asked: number[] } {
  const asked: number[] = [];
  const lookup = async (timestampMs: number) => {
    asked.push(timestampMs);
    const index = timestamps.findIndex((timestamp) => timestamp >= timestampMs);
    return BigInt(index < 0 ? timestamps.length : index);
  };
  return Object.assign(lookup, { asked });
}

const now = Date.parse('2026-12-06T12:00:00Z');
const second = 1000;

describe('unconsumedRecordAgeMs', () => {
  it.each([
    ['half a second', 500],
    ['40 seconds', 40 * second],
    ['an hour', 3_600 * second],
    ['29 days', 29 * 86_400 * second],
  ])('finds the age of a record %s old to within a second or 1/32 of it, never below', async (_, age) => {
    const index = timeIndex([now - 2 * age - 5 * second, now - age, now - age / 2, now - 10]);
    const found = await unconsumedRecordAgeMs(1n, now, index);
    expect(found).toBeGreaterThanOrEqual(age);
    expect(found - age).toBeLessThanOrEqual(Math.max(second, age / 32));
  });

  it('asks about the doubling ages plus at most five halvings', async () => {
    const age = 3_600 * second;
    const index = timeIndex([now - age, now - 10]);
    await unconsumedRecordAgeMs(0n, now, index);
    // 1 s, 2 s, … 4096 s is 13 questions.
    expect(index.asked.length).toBeLessThanOrEqual(13 + 5);
  });

  it('asks the same questions for partitions with the same age, so that one request answers them all', async () => {
    const first = timeIndex([now - 90 * second, now]);
    const second_ = timeIndex([now - 200 * second, now - 90 * second, now]);
    await unconsumedRecordAgeMs(0n, now, first);
    await unconsumedRecordAgeMs(1n, now, second_);
    expect(second_.asked).toEqual(first.asked);
  });

  it('answers for the newest record up to the offset when timestamps are out of order', async () => {
    const index = timeIndex([now - 60 * second, now - 600 * second, now - 5 * second]);
    const found = await unconsumedRecordAgeMs(1n, now, index);
    expect(found).toBeGreaterThanOrEqual(60 * second);
    expect(found).toBeLessThan(63 * second);
  });

  it('stops at the epoch when no record carries a timestamp', async () => {
    const index = timeIndex([-1, -1]);
    expect(await unconsumedRecordAgeMs(0n, now, index)).toBe(now);
    expect(Math.min(...index.asked)).toBe(0);
  });
});

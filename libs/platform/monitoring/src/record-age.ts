/**
 * The first offset of a partition whose record was stamped at or after `timestampMs`, or the end
 * offset when none was: what Kafka's time index answers (ListOffsets by timestamp).
 */
export type FirstOffsetFrom = (timestampMs: number) => Promise<bigint>;

/** The search stops once it knows the age to within a second, or to within 1/32 of the age. */
const resolutionMs = 1000;
const relativeResolution = 1 / 32;

/**
 * How old the record at `offset` is, in milliseconds, found in the time index instead of by
 * reading the record (decision 0022). "At most A old" holds when some record up to `offset` was
 * stamped at or after now − A, which the index answers in one request. The search doubles A from
 * one second until that holds, then halves the last interval; it probes the same ages for every
 * partition (the grid starts at `nowMs`), so that one request per age answers all partitions of a
 * topic. Returns the upper end of what it found: at most the resolution above the true age.
 *
 * With timestamps out of order (producers' clocks) it answers for the newest record up to
 * `offset`, so an older record behind a newer one reads younger than it is.
 */
export async function unconsumedRecordAgeMs(offset: bigint, nowMs: number, firstOffsetFrom: FirstOffsetFrom): Promise<number> {
  // A timestamp below 0 would ask Kafka for its special offsets (-1 latest, -2 earliest).
  const atMost = async (ageMs: number) => (await firstOffsetFrom(Math.max(0, nowMs - ageMs))) <= offset;
  let younger = 0;
  let older = resolutionMs;
  while (!(await atMost(older))) {
    // Even the epoch is too late: the records carry no usable timestamp.
    if (older >= nowMs) return older;
    younger = older;
    older = Math.min(older * 2, nowMs);
  }
  while (older - younger > Math.max(resolutionMs, younger * relativeResolution)) {
    const middle = younger + Math.floor((older - younger) / 2);
    if (await atMost(middle)) older = middle;
    else younger = middle;
  }
  return older;
}

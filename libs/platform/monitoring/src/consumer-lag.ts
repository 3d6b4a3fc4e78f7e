/**
 * Where a group resumes reading a partition: its committed offset, or the earliest retained one
 * when it has committed nothing there or retention has deleted what it had not read yet.
 */
export function resumeOffset(committed: string | null, earliest: string): bigint {
  if (committed === null) return BigInt(earliest);
  return BigInt(committed) > BigInt(earliest) ? BigInt(committed) : BigInt(earliest);
}

/**
 * Records a group has still to read on a partition: from where it resumes (resumeOffset) to the
 * end offset, the offset the next record will get. Never negative: a commit past the end (a
 * recreated topic) means nothing to read.
 */
export function partitionLag(committed: string | null, endOffset: string, earliest: string): number {
  const lag = BigInt(endOffset) - resumeOffset(committed, earliest);
  return lag > 0n ? Number(lag) : 0;
}

/** Records a topic holds: what each partition retains, from its earliest offset to its end. */
export function heldRecords(partitions: Array<{ low: string; high: string }>): number {
  return partitions.reduce((sum, { low, high }) => sum + Math.max(0, Number(BigInt(high) - BigInt(low))), 0);
}

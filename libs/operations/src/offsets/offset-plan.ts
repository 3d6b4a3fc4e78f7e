import { PartitionWatermarks } from '@consign/kafka';

export type ResetTarget = { kind: 'earliest' } | { kind: 'offset'; offset: string; partition?: number } | { kind: 'datetime'; at: Date };

export interface PartitionResetPlan {
  partition: number;
  /** The group's committed offset; null when it has none on this partition. */
  committed: string | null;
  target: string;
  /** Records the group will process again (committed − target when positive). */
  toReprocess: number;
  /** Records the group will never process (target − committed when positive). */
  toSkip: number;
  /** Records between the target and the end of the log: what the group consumes after the reset. */
  lagAfter: number;
}

export interface OffsetResetPlan {
  group: string;
  topic: string;
  target: string;
  partitions: PartitionResetPlan[];
  totalToReprocess: number;
  totalToSkip: number;
}

export function describeTarget(target: ResetTarget): string {
  switch (target.kind) {
    case 'earliest':
      return 'earliest';
    case 'offset':
      return `offset ${target.offset}${target.partition === undefined ? '' : ` on partition ${target.partition}`}`;
    case 'datetime':
      return `datetime ${target.at.toISOString()}`;
  }
}

/**
 * The new offset of each partition, as `kafka-consumer-groups --reset-offsets` computes it:
 * earliest is the log start; an offset is clamped into the retained log; a datetime is the first
 * record at or after it, or the log end when there is none (`offsetsAtTime`, from the broker).
 */
export function planOffsetReset(input: {
  group: string;
  topic: string;
  target: ResetTarget;
  watermarks: PartitionWatermarks[];
  committed: Map<number, string | null>;
  offsetsAtTime?: Map<number, string>;
}): OffsetResetPlan {
  const { target } = input;
  const selected = input.watermarks.filter((entry) => target.kind !== 'offset' || target.partition === undefined || entry.partition === target.partition);
  if (selected.length === 0) throw new Error(`${input.topic} has no partition ${target.kind === 'offset' ? target.partition : ''}`);
  const partitions = selected.map(({ partition, low, high }) => {
    const newOffset = targetOffset(target, BigInt(low), BigInt(high), input.offsetsAtTime?.get(partition));
    const committedRaw = input.committed.get(partition) ?? null;
    const committed = committedRaw === null || BigInt(committedRaw) < 0n ? null : BigInt(committedRaw);
    return {
      partition,
      committed: committed === null ? null : committed.toString(),
      target: newOffset.toString(),
      toReprocess: committed !== null && committed > newOffset ? Number(committed - newOffset) : 0,
      toSkip: committed !== null && newOffset > committed ? Number(newOffset - committed) : 0,
      lagAfter: Number(BigInt(high) - newOffset),
    };
  });
  return {
    group: input.group,
    topic: input.topic,
    target: describeTarget(target),
    partitions,
    totalToReprocess: partitions.reduce((sum, entry) => sum + entry.toReprocess, 0),
    totalToSkip: partitions.reduce((sum, entry) => sum + entry.toSkip, 0),
  };
}

function targetOffset(target: ResetTarget, low: bigint, high: bigint, atTime: string | undefined): bigint {
  switch (target.kind) {
    case 'earliest':
      return low;
    case 'offset': {
      const wanted = BigInt(target.offset);
      return wanted < low ? low : wanted > high ? high : wanted;
    }
    case 'datetime': {
      if (atTime === undefined) throw new Error('the offsets at that time are needed for a datetime reset');
      const found = BigInt(atTime);
      return found < 0n ? high : found;
    }
  }
}

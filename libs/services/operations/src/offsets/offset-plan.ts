import { PlatformError } from '@consign/errors';
import { PartitionWatermarks } from '@consign/kafka';

/** Where a reset moves the group: `offset` and `shift` may name one partition, the others move every partition of the topic. */
export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: string; partition?: number }
  | { kind: 'shift'; by: string; partition?: number }
  | { kind: 'datetime'; at: Date };

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
  /** Set when the offset asked for lies outside the retained log and the target is its nearest end instead. */
  clamped?: { wanted: string; to: 'earliest' | 'latest' };
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
    case 'latest':
      return target.kind;
    case 'offset':
      return `offset ${target.offset}${onPartition(target.partition)}`;
    case 'shift':
      return `shift by ${target.by}${onPartition(target.partition)}`;
    case 'datetime':
      return `datetime ${target.at.toISOString()}`;
  }
}

function onPartition(partition: number | undefined): string {
  return partition === undefined ? '' : ` on partition ${partition}`;
}

/**
 * The new offset of each partition, as `kafka-consumer-groups --reset-offsets` computes it:
 * earliest is the log start, latest its end; an offset, or the committed one shifted, is clamped
 * into the retained log; a datetime is the first record at or after it, or the log end when there
 * is none (`offsetsAtTime`, from the broker). Like Kafka's tool, a shift refuses a partition where
 * the group has committed nothing: there is nothing to shift from.
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
  const onePartition = target.kind === 'offset' || target.kind === 'shift' ? target.partition : undefined;
  const selected = input.watermarks.filter((entry) => onePartition === undefined || entry.partition === onePartition);
  if (selected.length === 0) throw new Error(`${input.topic} has no partition ${onePartition ?? ''}`);
  const committedOf = (partition: number): bigint | null => {
    const raw = input.committed.get(partition) ?? null;
    return raw === null || BigInt(raw) < 0n ? null : BigInt(raw);
  };
  if (target.kind === 'shift') {
    const uncommitted = selected.filter(({ partition }) => committedOf(partition) === null).map(({ partition }) => partition);
    if (uncommitted.length > 0) {
      throw new PlatformError(
        `cannot shift group ${input.group} on ${input.topic}: it has no committed offset on partition(s) ${uncommitted.join(', ')}; shift another partition with --partition, or reset these to an offset first`,
        {
          code: 'operations.no_committed_offset',
          category: 'invalid',
          details: { partitions: uncommitted },
        },
      );
    }
  }
  const partitions = selected.map(({ partition, low, high }): PartitionResetPlan => {
    const committed = committedOf(partition);
    const { offset: newOffset, clamped } = targetOffset(target, BigInt(low), BigInt(high), committed, input.offsetsAtTime?.get(partition));
    return {
      partition,
      committed: committed === null ? null : committed.toString(),
      target: newOffset.toString(),
      toReprocess: committed !== null && committed > newOffset ? Number(committed - newOffset) : 0,
      toSkip: committed !== null && newOffset > committed ? Number(newOffset - committed) : 0,
      lagAfter: Number(BigInt(high) - newOffset),
      ...(clamped ? { clamped } : {}),
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

function targetOffset(
  target: ResetTarget,
  low: bigint,
  high: bigint,
  committed: bigint | null,
  atTime: string | undefined,
): { offset: bigint; clamped?: PartitionResetPlan['clamped'] } {
  switch (target.kind) {
    case 'earliest':
      return { offset: low };
    case 'latest':
      return { offset: high };
    case 'offset':
      return clampedToLog(BigInt(target.offset), low, high);
    case 'shift':
      // planOffsetReset refused the partitions without a committed offset.
      return clampedToLog((committed ?? 0n) + BigInt(target.by), low, high);
    case 'datetime': {
      if (atTime === undefined) throw new Error('the offsets at that time are needed for a datetime reset');
      const found = BigInt(atTime);
      return { offset: found < 0n ? high : found };
    }
  }
}

function clampedToLog(wanted: bigint, low: bigint, high: bigint): { offset: bigint; clamped?: PartitionResetPlan['clamped'] } {
  if (wanted < low) return { offset: low, clamped: { wanted: wanted.toString(), to: 'earliest' } };
  if (wanted > high) return { offset: high, clamped: { wanted: wanted.toString(), to: 'latest' } };
  return { offset: wanted };
}

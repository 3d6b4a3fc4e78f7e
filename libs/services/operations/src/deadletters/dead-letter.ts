import { deadLetterHeaders, deadLetterOriginal, TopicRecord } from '@consign/kafka';
import { PlatformError } from '@consign/errors';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface DeadLetter {
  /** `<dead-letter topic>:<partition>:<offset>`: how the operator names it. */
  id: string;
  position: RecordPosition;
  /** When it was dead-lettered (the record's timestamp). */
  deadLetteredAt: string;
  group: string;
  category: string;
  code: string;
  message: string;
  attempts: number;
  firstFailureAt: string | null;
  lastFailureAt: string | null;
  original: RecordPosition;
  eventType: string | null;
  key: string | null;
  /** The original record's headers, without the dead-letter ones. */
  headers: Record<string, string>;
}

const deadLetterTopicPattern = /^deadletter\.(.+)\.v1$/;

export function isDeadLetterTopic(topic: string): boolean {
  return deadLetterTopicPattern.test(topic);
}

/** `topic:partition:offset`; topic names cannot contain `:`. */
export function parsePosition(text: string): RecordPosition {
  const match = /^([A-Za-z0-9._-]+):(\d+):(\d+)$/.exec(text.trim());
  if (!match)
    throw new PlatformError(`expected <topic>:<partition>:<offset>, got "${text}"`, {
      code: 'operations.bad_position',
      category: 'invalid',
    });
  return { topic: match[1], partition: Number(match[2]), offset: match[3] };
}

export function formatPosition(position: RecordPosition): string {
  return `${position.topic}:${position.partition}:${position.offset}`;
}

export function deadLetterFrom(record: TopicRecord): DeadLetter {
  const headers = record.headers;
  const { headers: originalHeaders, ...original } = deadLetterOriginal(record);
  const position = { topic: record.topic, partition: record.partition, offset: record.offset };
  const group = headers[deadLetterHeaders.group] ?? deadLetterTopicPattern.exec(record.topic)?.[1] ?? '';
  return {
    id: formatPosition(position),
    position,
    deadLetteredAt: new Date(Number(record.timestamp)).toISOString(),
    group,
    category: headers[deadLetterHeaders.category] ?? 'unknown',
    code: headers[deadLetterHeaders.code] ?? 'unknown',
    message: headers[deadLetterHeaders.message] ?? '',
    attempts: Number(headers[deadLetterHeaders.attempts] ?? 0),
    firstFailureAt: headers[deadLetterHeaders.firstFailureAt] ?? null,
    lastFailureAt: headers[deadLetterHeaders.lastFailureAt] ?? null,
    original,
    eventType: headers['event-type'] ?? null,
    key: record.key?.toString() ?? null,
    headers: originalHeaders,
  };
}

export interface DeadLetterFilter {
  category?: string;
  since?: Date;
}

export function matchesFilter(deadLetter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.category && deadLetter.category !== filter.category) return false;
  if (filter.since && new Date(deadLetter.deadLetteredAt) < filter.since) return false;
  return true;
}

/** What a redriven record carries: the original headers, and where it came from and who sent it back. */
export function redriveHeaders(deadLetter: DeadLetter, actor: string): Record<string, string> {
  return { ...deadLetter.headers, 'redriven-from': deadLetter.id, 'redriven-by': actor };
}

/** A short view of bytes that are not a decodable event. */
export function bytesPreview(bytes: Buffer | null, limit = 64): { size: number; hex: string; base64: string; truncated: boolean } {
  const value = bytes ?? Buffer.alloc(0);
  const head = value.subarray(0, limit);
  return { size: value.length, hex: head.toString('hex'), base64: head.toString('base64'), truncated: value.length > limit };
}

/** A decoded Avro value as plain JSON: bytes become base64. */
export function plainValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  if (Array.isArray(value)) return value.map(plainValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, plainValue(item)]));
  return value;
}

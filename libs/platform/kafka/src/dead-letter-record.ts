import { deadLetterHeaders } from './consumer-runner';
import { TopicRecord } from './topic-reader';

const deadLetterPrefix = 'dlq.';

/**
 * Where a dead letter came from and the headers it had there: the dead-letter topic keeps the
 * original value and key, and adds its own `dlq.*` headers naming the original position.
 */
export function deadLetterOriginal(record: Pick<TopicRecord, 'headers'>): {
  topic: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
} {
  const headers = record.headers;
  return {
    topic: headers[deadLetterHeaders.topic] ?? '',
    partition: Number(headers[deadLetterHeaders.partition] ?? -1),
    offset: headers[deadLetterHeaders.offset] ?? '-1',
    headers: Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(deadLetterPrefix))),
  };
}

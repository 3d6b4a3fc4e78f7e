import { deadLetterTopic, retryTopic } from '@consign/contracts';

/**
 * The topics whose lag is reported for a group: the watched topics, and the group's own retry
 * topic, which only it reads. A name outside the platform's pattern has no retry topic.
 */
export function topicsWatchedFor(group: string, topics: readonly string[]): string[] {
  const ownRetryTopic = platformTopicName(() => retryTopic(group).name);
  return [...new Set(ownRetryTopic === undefined ? topics : [...topics, ownRetryTopic])];
}

/** Where the group's consumers set aside what they could not process, if it follows the platform's naming. */
export function deadLetterTopicOf(group: string): string | undefined {
  return platformTopicName(() => deadLetterTopic(group).name);
}

/**
 * The topics a group reads, of those watched: the ones a member subscribes to, and the ones it has
 * committed an offset on (a group whose consumers are down has only those).
 */
export function topicsReadBy(subscribed: Iterable<string>, committed: Iterable<string>, watched: readonly string[]): string[] {
  const read = new Set([...subscribed, ...committed]);
  return watched.filter((topic) => read.has(topic)).sort();
}

function platformTopicName(name: () => string): string | undefined {
  try {
    return name();
  } catch {
    return undefined;
  }
}

import { deadLetterTopicOf, topicsReadBy, topicsWatchedFor } from './watched-topics';

describe('topicsWatchedFor', () => {
  it('adds the group’s own retry topic to the watched ones', () => {
    expect(topicsWatchedFor('inventory-service', ['shopify.orders.v1'])).toEqual(['shopify.orders.v1', 'retry.inventory-service.v1']);
  });

  it('adds nothing for a group named outside the platform’s pattern', () => {
    expect(topicsWatchedFor('Other_Team', ['shopify.orders.v1'])).toEqual(['shopify.orders.v1']);
  });
});

describe('deadLetterTopicOf', () => {
  it('names the group’s dead-letter topic', () => {
    expect(deadLetterTopicOf('earnings-service')).toBe('deadletter.earnings-service.v1');
  });

  it('is undefined for a group named outside the platform’s pattern', () => {
    expect(deadLetterTopicOf('Other_Team')).toBeUndefined();
  });
});

describe('topicsReadBy', () => {
  const watched = ['consignors.v1', 'earnings.v1', 'shopify.orders.v1'];

  it('joins subscriptions and commits, keeping only watched topics', () => {
    expect(topicsReadBy(['earnings.v1', 'elsewhere.v1'], ['consignors.v1'], watched)).toEqual(['consignors.v1', 'earnings.v1']);
  });

  it('keeps the topics a group whose consumers are down has committed on', () => {
    expect(topicsReadBy([], ['shopify.orders.v1'], watched)).toEqual(['shopify.orders.v1']);
  });

  it('is empty for a group that reads none of them', () => {
    expect(topicsReadBy(['elsewhere.v1'], [], watched)).toEqual([]);
  });
});

import { levelUpdated } from '../support/inventory-events';
import { isSupersededBy, levelVersionOf, sourceTimeOf } from '../../src/domain/applied-version';

describe('isSupersededBy', () => {
  const applied = { at: 1000, eventId: 'a' };

  it('nothing applied yet: applies', () => {
    expect(isSupersededBy({ at: 0, eventId: 'b' }, null)).toBe(false);
  });

  it('the same event again is superseded (a replay)', () => {
    expect(isSupersededBy({ at: 1000, eventId: 'a' }, applied)).toBe(true);
  });

  it('an older change is superseded; a newer one or another event at the same time applies', () => {
    expect(isSupersededBy({ at: 999, eventId: 'b' }, applied)).toBe(true);
    expect(isSupersededBy({ at: 1001, eventId: 'b' }, applied)).toBe(false);
    expect(isSupersededBy({ at: 1000, eventId: 'b' }, applied)).toBe(false);
  });
});

describe('sourceTimeOf', () => {
  it('reads ISO 8601 with an offset, and falls back when missing or unreadable', () => {
    expect(sourceTimeOf('2021-12-31T19:00:00-05:00', 0)).toBe(Date.parse('2022-01-01T00:00:00Z'));
    expect(sourceTimeOf(null, 42)).toBe(42);
    expect(sourceTimeOf('yesterday-ish', 42)).toBe(42);
  });
});

describe('levelVersionOf', () => {
  it("is the level's updatedAt, or the event's time when that is unreadable", () => {
    const level = levelUpdated('t', 'level-1', 'inv-1', 3, '2026-01-02T00:00:00Z');
    expect(levelVersionOf(level)).toEqual({ at: Date.parse('2026-01-02T00:00:00Z'), eventId: 'level-1' });
    expect(levelVersionOf({ ...level, updatedAt: 'unreadable' })).toEqual({ at: level.metadata.occurredAt, eventId: 'level-1' });
  });
});

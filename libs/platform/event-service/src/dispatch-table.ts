import { EntityManager } from 'typeorm';
import { events, PlatformEvent } from '@consign/contracts';
import type { EventHandlers, EventServiceContext } from './event-service';

type ValueOf<K extends keyof EventHandlers> = Parameters<NonNullable<EventHandlers[K]>>[0];

/** A service's use cases, by the catalogue name of the event each applies, with what they need besides the transaction. */
export type UseCases<TNeeds> = {
  [K in keyof EventHandlers]?: (manager: EntityManager, value: ValueOf<K>, needs: TNeeds) => Promise<PlatformEvent[]>;
};

/** Every event a table's use cases take. */
export type InputEventOf<TTable> = ValueOf<Extract<keyof TTable, keyof EventHandlers>>;

type AnyUseCase<TNeeds> = (manager: EntityManager, value: { metadata: { eventType: string } }, needs: TNeeds) => Promise<PlatformEvent[]>;
type AnyHandler = (
  value: { metadata: { eventType: string } },
  event: Parameters<EventServiceContext['applyEvent']>[0],
  context: EventServiceContext,
) => Promise<unknown>;

/**
 * A consuming service's one dispatch table. `handlers` are the app's, each event applied exactly
 * once in its own transaction; `apply` runs the same use case in the caller's transaction, for the
 * specs. Event types the table does not name are ignored (an empty list).
 */
export function dispatchTable<TNeeds, TTable extends UseCases<TNeeds>>(useCases: TTable) {
  // Each entry's value type follows its name; the table's type is what the compiler checks.
  const entries = Object.entries(useCases) as Array<[keyof typeof events, AnyUseCase<TNeeds>]>;
  const byType = new Map(entries.map(([name, useCase]) => [events[name].type, useCase]));
  return {
    handlers(needsOf: (value: InputEventOf<TTable>) => TNeeds): EventHandlers {
      const handlers: Record<string, AnyHandler> = {};
      for (const [name, useCase] of entries) {
        handlers[name] = (value, event, context) =>
          context.applyEvent(event, (manager) => useCase(manager, value, needsOf(value as InputEventOf<TTable>)));
      }
      return handlers as EventHandlers;
    },
    async apply(manager: EntityManager, event: InputEventOf<TTable>, needs: TNeeds): Promise<PlatformEvent[]> {
      const useCase = byType.get((event as { metadata: { eventType: string } }).metadata.eventType);
      return useCase === undefined ? [] : useCase(manager, event as { metadata: { eventType: string } }, needs);
    },
  };
}

import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/** Transactions that added outbox rows and have not committed yet. */
const awaitingCommit = new WeakSet<QueryRunner>();
const listenersOf = new WeakMap<DataSource, Set<() => void>>();

function tell(dataSource: DataSource): void {
  for (const listener of listenersOf.get(dataSource) ?? []) listener();
}

/**
 * Says outbox rows were just written through `manager`: the listeners of its DataSource hear of
 * them when they are committed, at once for a statement outside a transaction, otherwise when the
 * outermost transaction commits (never when it rolls back).
 */
export function outboxRowsWritten(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) awaitingCommit.add(runner);
  else tell(manager.connection);
}

/**
 * Calls `listener` whenever outbox rows written through `dataSource` are committed, whoever wrote
 * them: a consumer's unit, a lone record, a periodic job, notification-service's outcome writer.
 * Returns the call that stops it.
 */
export function onOutboxCommit(dataSource: DataSource, listener: () => void): () => void {
  let listeners = listenersOf.get(dataSource);
  if (!listeners) {
    listeners = new Set();
    listenersOf.set(dataSource, listeners);
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: ({ queryRunner }) => {
        // A savepoint released inside the transaction commits nothing yet.
        if (!queryRunner.isTransactionActive && awaitingCommit.delete(queryRunner)) tell(dataSource);
      },
      afterTransactionRollback: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) awaitingCommit.delete(queryRunner);
      },
    };
    dataSource.subscribers.push(subscriber);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

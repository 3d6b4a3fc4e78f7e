/**
 * Runs `handler` in `transaction` and counts the statements it sends through the manager it is
 * given (a TypeORM EntityManager, say): how a set-based handler's round trips are held to a bound.
 */
export async function countStatements<M extends { query: (...args: never[]) => unknown }, T>(
  transaction: (work: (manager: M) => Promise<T>) => Promise<T>,
  handler: (manager: M) => Promise<T>,
): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const result = await transaction((manager) => {
    const query = manager.query.bind(manager) as (...args: never[]) => unknown;
    manager.query = ((...args: never[]) => {
      statements += 1;
      return query(...args);
    }) as M['query'];
    return handler(manager);
  });
  return { result, statements };
}

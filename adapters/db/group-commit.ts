/** Runs `work` all or nothing: a transaction, or a savepoint when one is open already. */
export type Transaction = (work: () => void) => void;

interface Pending {
  work: () => void;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for a synchronous SQLite (better-sqlite3): the writes that arrive within one turn of
 * Node's event loop are committed in one transaction, each inside its own savepoint. A write that
 * fails (a stale version, a unique key) is rolled back alone and its caller gets the error; the
 * others commit. Every caller hears back only after the COMMIT, so nothing is answered before it
 * is durable. Under load the cost of a commit (its WAL frames, shared pages) is paid once per
 * batch instead of once per write; alone, a write waits only for the current turn of the loop.
 */
export function createGroupCommit(transaction: Transaction): (work: () => void) => Promise<void> {
  let pending: Pending[] = [];

  function flush(): void {
    const batch = pending;
    pending = [];
    const failures = new Map<Pending, unknown>();
    try {
      transaction(() => {
        for (const item of batch) {
          try {
            transaction(item.work);
          } catch (error) {
            failures.set(item, error);
          }
        }
      });
    } catch (error) {
      // BEGIN or COMMIT failed (the database busy past its timeout, the disk full): nothing was written.
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) {
      if (failures.has(item)) item.reject(failures.get(item));
      else item.resolve();
    }
  }

  return (work) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ work, resolve, reject });
      if (pending.length === 1) setImmediate(flush);
    });
}

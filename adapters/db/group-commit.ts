/** Runs `work` all or nothing: a transaction, or a savepoint when one is open already. */
export type Transaction = (work: () => void) => void;

interface Pending {
  work: () => void;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for a synchronous SQLite (better-sqlite3): the writes that arrive within one turn of
 * Node's event loop are committed in one transaction. Every caller hears back only after the
 * COMMIT, so nothing is answered before it is durable. Under load the cost of a commit (its WAL
 * frames, shared pages) is paid once per batch instead of once per write; alone, a write waits only
 * for the current turn of the loop.
 *
 * A write that fails (a stale version, a unique key) must change nothing and fail alone. The batch
 * first runs without savepoints (a savepoint makes SQLite copy every page a write changes, for a
 * rollback that almost never comes); when a write throws, that transaction is rolled back and the
 * batch runs again with each write in its own savepoint: the failing one is rolled back alone and
 * its caller gets the error, the others commit. So `work` may run twice: it must only write to the
 * database (prepared statements), with no other effect.
 */
export function createGroupCommit(transaction: Transaction): (work: () => void) => Promise<void> {
  let pending: Pending[] = [];

  /**
   * The batch in one transaction, no savepoints. A write that throws rolls the transaction back
   * (nothing of the batch is written) and is answered; BEGIN or COMMIT failing throws.
   */
  function runTogether(batch: readonly Pending[]): { item: Pending; error: unknown } | null {
    let failure: { item: Pending; error: unknown } | null = null;
    try {
      transaction(() => {
        for (const item of batch) {
          try {
            item.work();
          } catch (error) {
            failure = { item, error };
            throw error;
          }
        }
      });
    } catch (error) {
      if (failure === null) throw error;
    }
    return failure;
  }

  /** The batch with each write in its own savepoint: the failures, rolled back alone. */
  function runApart(batch: readonly Pending[]): Map<Pending, unknown> {
    const failures = new Map<Pending, unknown>();
    transaction(() => {
      for (const item of batch) {
        try {
          transaction(item.work);
        } catch (error) {
          failures.set(item, error);
        }
      }
    });
    return failures;
  }

  function flush(): void {
    const batch = pending;
    pending = [];
    let failures = new Map<Pending, unknown>();
    try {
      const failure = runTogether(batch);
      if (failure && batch.length === 1) failures.set(failure.item, failure.error);
      else if (failure) failures = runApart(batch);
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

/**
 * Runs work one after another per key: what is queued for a key starts once the work before it has
 * settled (resolved or failed). Keys with nothing queued take no memory.
 */
export function createSerialQueue() {
  const tails = new Map<string, Promise<unknown>>();

  return function serially<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return next;
  };
}

/**
 * Acknowledgements first. Slack waits 3 s for each answer, then retries the request (events) or
 * shows the user an error (clicks, commands); a burst it is slow to answer comes back as more load.
 * So the work a listener does after its ack waits while other requests still wait for their
 * answer, and resumes one at a time, a turn of the event loop apart, when none does — or after
 * `maxDeferMs` at the latest, so that a long burst delays the work but never starves it.
 */
export function createAckFirst(options: { maxDeferMs: number }) {
  let waiting = 0;
  const deferred: (() => void)[] = [];
  let draining = false;

  function drain(): void {
    if (draining) return;
    draining = true;
    const step = () => {
      const next = waiting === 0 ? deferred.shift() : undefined;
      if (!next) {
        draining = false;
        return;
      }
      next();
      setImmediate(step);
    };
    setImmediate(step);
  }

  return {
    /** A request came in and showed Slack's signature: its answer is awaited. */
    received(): void {
      waiting++;
    },
    /** A request was answered (or refused). */
    answered(): void {
      waiting = Math.max(0, waiting - 1);
      if (waiting === 0 && deferred.length > 0) drain();
    },
    /** Resolves when work after an ack may go on. */
    turn(): Promise<void> {
      return new Promise((resolve) => {
        let done = false;
        const go = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(go, options.maxDeferMs);
        deferred.push(go);
        if (waiting === 0) drain();
      });
    },
    /** How many works wait for their turn (for tests and the benchmark). */
    get backlog(): number {
      return deferred.length;
    },
  };
}

export type AckFirst = ReturnType<typeof createAckFirst>;

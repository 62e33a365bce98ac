/** Where a packet's triage message sits in Slack. */
export interface SlackMessageRef {
  packetRef: string;
  channel: string;
  ts: string;
}

/**
 * What triage remembers beside the support store: the Slack message of each packet (to update it and
 * to know which packet a thread belongs to) and the keys of effects already had, so that a retried
 * event or a double click has one effect. Implemented over drizzle (SQLite, D1) and in memory.
 */
export interface TriageStore {
  /**
   * Claims `key` for one effect. True when this caller now holds it: the key is new, or an earlier
   * claim lapsed unfinished (its holder died). False when it is held or was completed.
   */
  claim(key: string, now: number, leaseMs: number): Promise<boolean>;
  /** The effect is written: the key is never claimed again. */
  complete(key: string): Promise<void>;
  /** The effect did not happen (the platform was down): the key may be claimed again at once. */
  release(key: string): Promise<void>;

  /** Remembers (or moves) the triage message of a packet. */
  rememberMessage(message: SlackMessageRef, now: number): Promise<void>;
  messageOf(packetRef: string): Promise<SlackMessageRef | null>;
  /** The packet whose triage message starts the thread `threadTs` in `channel`, if any. */
  packetOfThread(channel: string, threadTs: string): Promise<string | null>;
}

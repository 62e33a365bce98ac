import { expect } from 'vitest';

/**
 * The check both live-reply tests make after the desk drops a widget's stream: two messages written
 * meanwhile (by `write`, from Slack or the console) appear once each, after what was shown, through a
 * new stream that resumed from the last message id.
 */
export async function expectResumedWithoutLoss(options: {
  texts: () => Promise<string[]>;
  eventsRequests: readonly string[];
  drop: () => void;
  write: (text: string) => Promise<unknown>;
}): Promise<void> {
  const { texts, eventsRequests, drop, write } = options;
  const before = await texts();
  const connections = eventsRequests.length;

  drop();
  await write('Written while your connection was down.');
  await write('And a second one.');
  await expect.poll(async () => (await texts()).length, { timeout: 10_000, interval: 50 }).toBe(before.length + 2);

  const after = await texts();
  expect(after.slice(0, before.length)).toEqual(before);
  expect(after.slice(before.length).map((t) => t.replace(/\s+/g, ' '))).toEqual([
    expect.stringContaining('Written while your connection was down.'),
    expect.stringContaining('And a second one.'),
  ]);
  // Through a new stream that resumed after the last message it had shown.
  expect(eventsRequests.length).toBeGreaterThan(connections);
  expect(eventsRequests.at(-1)).toMatch(/^msg_/);
  // Nothing shown twice, even after a while.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await texts()).toEqual(after);
}

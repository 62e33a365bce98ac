import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { type TroubleshootContext, type TroubleshootInput, upgradeContext } from './context.ts';
import { anonymous, chose, fakeMachine, maya, said, send, settle, startConversation } from './test-fakes.ts';
import { flowState, isBusy } from './troubleshoot-machine.ts';

type Actor = Awaited<ReturnType<typeof startConversation>>['actor'];
type Persisted = ReturnType<Actor['getPersistedSnapshot']>;

/**
 * Stores the snapshot as the service does (JSON text) and restores it into a new actor. xstate
 * ignores `input` when a snapshot is given (the type still asks for it): a dummy proves it.
 */
const ignoredInput: TroubleshootInput = { identity: null, timezone: null };
function storeAndRestore(actor: Actor) {
  const stored = JSON.stringify(actor.getPersistedSnapshot());
  actor.stop();
  const { machine, calls } = fakeMachine();
  const snapshot = JSON.parse(stored) as Persisted; // our own JSON, written just above
  const restored = createActor(machine, { snapshot, input: ignoredInput }).start();
  return { restored, calls, stored };
}

describe('persistence', () => {
  it('a conversation stored mid-flow, as JSON, continues to handed_off after restoring', async () => {
    const { actor } = await startConversation(maya);
    await send(actor, chose('run:gen_7'));
    await send(actor, chose('still_failing'));
    expect(isBusy(actor.getSnapshot())).toBe(false);

    const first = storeAndRestore(actor);
    const before = JSON.parse(first.stored);
    expect(flowState(first.restored.getSnapshot())).toBe('simplify');
    expect(first.restored.getSnapshot().context).toEqual(before.context);

    let s = await send(first.restored, said('still failing'));
    expect(flowState(s)).toBe('findings');
    expect(first.calls.checkFindings).toHaveLength(1);
    s = await send(first.restored, chose('send_to_support'));
    expect(flowState(s)).toBe('packet');

    const second = storeAndRestore(first.restored);
    s = await send(second.restored, chose('send'));
    expect(flowState(s)).toBe('handed_off');
    expect(second.calls.handOff[0]).toMatchObject({ generationIds: ['gen_7'], stepsTried: ['retry', 'simplify'], verified: true });
    expect(s.context.messages.at(-1)?.text).toMatch(/PKT-7QX2M9/);
    // Nothing was lost or repeated across the two restores.
    const userTexts = s.context.messages.filter((m) => m.from === 'user').map((m) => m.text);
    expect(userTexts).toEqual(['Video Studio · 14:05 · failed', 'Still failing', 'still failing', 'Send to support', 'Send']);
  });

  it('an anonymous packet keeps what the user typed across a restore', async () => {
    const { actor } = await startConversation(anonymous);
    for (const e of [chose('other'), chose('still_failing'), chose('still_failing'), chose('send_to_support'), said('maya@example.com')]) {
      await send(actor, e);
    }
    const { restored, calls } = storeAndRestore(actor);
    await settle(restored);
    const s = await send(restored, chose('send'));
    expect(flowState(s)).toBe('handed_off');
    expect(calls.handOff[0]).toMatchObject({ accountEmail: 'maya@example.com', verified: false });
  });

  it('a conversation stored before the flow knew the advice given, misses and stuck runs goes on from where it stood', async () => {
    const { actor } = await startConversation(maya);
    await send(actor, chose('run:gen_7'));
    const stored = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as Persisted & { context: Partial<TroubleshootContext> & Record<string, unknown> };
    actor.stop();
    // As an earlier version stored it: none of the fields added since.
    const { advised: _a, misses: _m, asking: _k, ...older } = stored.context;
    const { stuck: _s, ...details } = stored.context.details as TroubleshootContext['details'];
    const context = upgradeContext({ ...older, details } as TroubleshootContext);
    expect(context).toMatchObject({ advised: [], misses: 0, asking: null, details: { stuck: false, generationIds: ['gen_7'] } });
    const { machine } = fakeMachine();
    const snapshot = JSON.parse(JSON.stringify({ ...stored, context })) as Persisted; // our own JSON, as stored
    const restored = createActor(machine, { snapshot, input: ignoredInput }).start();
    const s = await send(restored, said('still failing'));
    expect(flowState(s)).toBe('simplify');
    expect(s.context.stepsTried).toEqual(['retry']);
  });
});

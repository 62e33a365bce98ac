import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Packet } from '../src/core/support-packet.ts';
import { WIDGET_SECRET, chatClient, identityHeaders } from './support/chat-desk.ts';
import { type DeskProcess, freePort, killAll, startDeskProcess } from './support/desk-process.ts';

/*
 * A conversation survives a restart of the server: `npm start` as a real child process on a SQLite
 * file, stopped with SIGTERM between two messages and started again on the same file.
 */

const children = new Set<ChildProcess>();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chat-restart-'));
});

afterAll(() => {
  killAll(children);
  rmSync(dir, { recursive: true, force: true });
});

describe('a conversation across a server restart', () => {
  it('carries on with the same state and messages, the history complete and without duplicates', async () => {
    const port = await freePort();
    const env = { PORT: String(port), SUPPORT_DB_PATH: join(dir, 'support.db'), WIDGET_IDENTITY_SECRET: WIDGET_SECRET };
    const stop = async (desk: DeskProcess) => {
      desk.child.kill('SIGTERM');
      expect(await desk.exited).toEqual({ code: 0, signal: null });
    };

    const first = await startDeskProcess(env, children);
    const before = chatClient(first.url, identityHeaders('maya@example.com'));
    const started = await before.start();
    const id = started.conversationId;
    expect(started.messages[0]?.options?.map((o) => o.id)).toEqual(['run:gen_maya_video', 'other']);
    const seen = [...started.messages];
    for (const [option, state] of [
      ['run:gen_maya_video', 'retry'],
      ['still_failing', 'simplify'],
    ] as const) {
      const turn = await before.send(id, { option });
      expect(turn.state).toBe(state);
      seen.push(...turn.messages);
    }
    await stop(first);

    const second = await startDeskProcess(env, children);
    expect(second.url).toBe(first.url);
    const after = chatClient(second.url, identityHeaders('maya@example.com'));
    // Exactly as it was left.
    expect(await after.get(id)).toEqual({ conversationId: id, state: 'simplify', locale: 'en', messages: seen });

    // The flow goes on from the simplify step, not from the start.
    const findings = await after.send(id, { option: 'still_failing' });
    expect(findings.state).toBe('findings');
    expect(findings.messages.map((m) => m.from)).toEqual(['user', 'bot']);
    expect(findings.messages.at(-1)?.text).toContain('failed and was charged 40 credits: that is due back to you');
    seen.push(...findings.messages);
    const packetStep = await after.send(id, { option: 'send_to_support' });
    expect(packetStep.state).toBe('packet');
    // What was tried before the restart still counts.
    expect(packetStep.messages.at(-1)?.text).toContain('Already tried: retried and simplified');
    seen.push(...packetStep.messages);
    const sent = await after.send(id, { option: 'send' });
    expect(sent.state).toBe('handed_off');
    seen.push(...sent.messages);

    const packet = Packet.parse(sent.packet);
    expect(packet.stepsTried).toEqual(['retry', 'simplify']);
    expect(packet.generationIds).toEqual(['gen_maya_video']);
    // The transcript support gets starts with the greeting of before the restart.
    expect(packet.transcript.map((e) => e.text).slice(0, seen.length - 2)).toEqual(seen.slice(0, -2).map((m) => m.text));

    const whole = await after.get(id);
    expect(whole.state).toBe('handed_off');
    expect(whole.packet?.ref).toBe(packet.ref);
    expect(whole.messages).toEqual(seen);
    expect(new Set(whole.messages.map((m) => m.id)).size).toBe(whole.messages.length);
    expect(whole.messages.filter((m) => m.from === 'user').map((m) => m.text)).toEqual([
      started.messages[0]?.options?.[0]?.label,
      'Still failing',
      'Still failing',
      'Send to support',
      'Send',
    ]);
    await stop(second);
  });
});

import type { Packet } from '../../src/core/support-packet.ts';
import type { ChatClient } from '../support/chat-desk.ts';

type Message = { from: string; options?: { id: string }[] | undefined };

/** The option ids of the last bot message: what the user can pick now. */
export function offeredOptions(messages: readonly Message[]): string[] {
  return messages.filter((m) => m.from === 'bot').at(-1)?.options?.map((o) => o.id) ?? [];
}

/**
 * Takes a conversation from its greeting to a filed packet the way a user in trouble would: the
 * first problem run offered (else "something else"), still stuck, still failing, send to support,
 * send. Answers every body the API returned on the way, and the packet.
 */
export async function driveToPacket(client: ChatClient, conversation?: { id: string; messages: Message[]; state: string }) {
  let started: { id: string; messages: Message[]; state: string };
  if (conversation) started = conversation;
  else {
    const s = await client.start();
    started = { id: s.conversationId, messages: s.messages, state: s.state };
  }
  const answers: unknown[] = [];
  let { messages, state } = started;
  let packet: Packet | undefined;
  const next = ['still_stuck', 'still_failing', 'send_to_support', 'send'];
  for (let step = 0; step < 10 && state !== 'handed_off'; step++) {
    const offered = offeredOptions(messages);
    const pick = offered.find((o) => o.startsWith('run:')) ?? offered.find((o) => next.includes(o)) ?? (offered.includes('other') ? 'other' : undefined);
    if (!pick) throw new Error(`nothing to pick in state ${state}: ${JSON.stringify(offered)}`);
    const turn = await client.send(started.id, { option: pick });
    answers.push(turn);
    ({ messages, state } = turn);
    packet = turn.packet ?? packet;
  }
  if (state !== 'handed_off' || !packet) throw new Error(`the conversation did not reach a packet (state ${state})`);
  return { id: started.id, answers, packet };
}

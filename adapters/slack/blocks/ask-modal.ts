import type { View } from '@slack/types';
import { z } from 'zod';
import type { Packet } from '../../../src/core/support-packet.ts';
import { mrkdwn, plain } from './slack-text.ts';

/** The ids of the "Ask for info" modal and of its one input. */
export const AskModal = { callbackId: 'triage.ask_modal', blockId: 'question', actionId: 'question_input' } as const;

/** What the modal carries from the click to the submission. */
export const AskOrigin = z.object({ ref: z.string(), channel: z.string().nullable() });
export type AskOrigin = z.infer<typeof AskOrigin>;

const missingWords = {
  accountEmail: 'the email you sign in with',
  studio: 'which studio you used',
  prompt: 'the prompt you entered',
  timestamp: 'roughly when it happened',
} as const;

const routeWords = { widget: 'the help widget (or email, once the chat has expired)', email: 'email', slack: 'email' } as const;

/** A first draft of the question: what the packet is still missing. */
export function suggestedQuestion(packet: Packet): string {
  if (packet.missing.length === 0) return '';
  const words = packet.missing.map((m) => missingWords[m]);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0];
  return `To look into this, could you tell us ${list}?`;
}

/** The modal that asks the user of a packet for what support still needs. */
export function askModal(packet: Packet, origin: AskOrigin): View {
  const draft = suggestedQuestion(packet);
  return {
    type: 'modal',
    callback_id: AskModal.callbackId,
    private_metadata: JSON.stringify(origin),
    title: plain('Ask for info', 24),
    submit: plain('Send to the user', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(`Your question about *${packet.ref}* reaches the user by ${routeWords[packet.channel]}. The packet waits for their answer.`),
      },
      {
        type: 'input',
        block_id: AskModal.blockId,
        label: plain('Question', 100),
        element: {
          type: 'plain_text_input',
          action_id: AskModal.actionId,
          multiline: true,
          max_length: 2000,
          ...(draft && { initial_value: draft }),
        },
      },
    ],
  };
}

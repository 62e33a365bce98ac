import { PACKET_REF } from '../../src/core/packet-ref.ts';
import type { SupportStore } from '../../src/core/support-store.ts';
import type { TriageService } from '../../src/triage/triage-service.ts';
import type { TriageStore } from '../../src/triage/triage-store.ts';
import type { DecisionOutcome, StaffMember } from '../../src/triage/triage-types.ts';
import { AskModal, AskOrigin, askModal } from './blocks/ask-modal.ts';
import { ActionId } from './blocks/decision-blocks.ts';
import { lookupMessage, usageMessage } from './blocks/lookup-message.ts';
import { type SlackMessage, packetMessage } from './blocks/packet-message.ts';
import { escapeSlack, fromSlackText } from './blocks/slack-text.ts';
import type { SlackCalls, SlackLogger } from './slack-calls.ts';
import { createStaffNames } from './staff-names.ts';

/*
 * What the Slack app does with each click, submission, command and thread reply, once Slack has
 * its acknowledgement: one function per action, shared by bolt's listeners on Node
 * (slack-listeners.ts) and the fetch handler on Workers (adapters/slack-fetch). The adapters turn
 * their request into the plain inputs below; the decisions themselves live in src/triage.
 * Runtime-neutral: no bolt, no node:.
 */

/** The slash command of the app (see manifest.yaml). */
export const COMMAND = '/prism';

export interface TriageHandlerDeps {
  triage: TriageService;
  store: SupportStore;
  triageStore: TriageStore;
  log: SlackLogger;
}

/** The member of staff a request came from, as the payload names them. */
export interface SlackActor {
  id: string;
  name?: string | null | undefined;
}

/** A click on a triage button: its value is the packet's ref. */
export interface ButtonClick {
  ref: string;
  user: SlackActor;
  /** The channel of the message clicked in (where the note to staff goes). */
  channel: string | undefined;
  /** The ts of the message clicked (`container.message_ts`): the button must belong to its packet. */
  messageTs: string | undefined;
  triggerId: string;
}

/** The buttons that are decisions (Ask for info opens a modal first). */
export const decisionActions = [ActionId.approve, ActionId.assign, ActionId.resolve] as const;
export type DecisionAction = (typeof decisionActions)[number];

/** A submission of the "Ask for info" modal. */
export interface AskSubmission {
  viewId: string;
  privateMetadata: string;
  question: string;
  user: SlackActor;
}

/** `/prism <text>`. */
export interface CommandRequest {
  text: string;
  user: SlackActor;
  triggerId: string;
}

/** The answer to a slash command, for its response URL. */
export type CommandReply = SlackMessage & { response_type: 'ephemeral' } | { response_type: 'ephemeral'; text: string };

/** A person's plain message in a channel (no subtype): a reply when it sits in a packet's thread. */
export interface ThreadMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string | undefined;
  user: string;
}

export function createTriageHandlers(deps: TriageHandlerDeps) {
  const names = createStaffNames();

  async function tell(slack: SlackCalls, channel: string | undefined, user: string, text: string, threadTs?: string) {
    if (!channel) return;
    await slack.postEphemeral({ channel, user, text, ...(threadTs && { thread_ts: threadTs }) }).catch((error: unknown) => {
      deps.log.warn(`could not tell ${user}: ${String(error)}`);
    });
  }

  async function attempt(run: () => Promise<DecisionOutcome>): Promise<string> {
    try {
      return (await run()).summary;
    } catch (error) {
      deps.log.error('a triage decision failed', error);
      return `That did not work (${error instanceof Error ? error.message : 'unexpected error'}); nothing was changed that a second click would repeat. Try again in a moment.`;
    }
  }

  const decisions: Record<DecisionAction, (ref: string, staff: StaffMember) => Promise<DecisionOutcome>> = {
    [ActionId.approve]: (ref, staff) => deps.triage.approveRefund(ref, staff),
    [ActionId.assign]: (ref, staff) => deps.triage.assign(ref, staff),
    [ActionId.resolve]: (ref, staff) => deps.triage.resolve(ref, staff),
  };

  /**
   * Why a click cannot act on the ref its button carries, or null: on a packet's triage message the
   * ref must be that packet's (a forged value must not reach another case). Clicks on messages the
   * desk does not know as triage messages (the ephemeral answer of `/prism packet`) carry their ref.
   */
  async function mismatch(click: ButtonClick): Promise<string | null> {
    if (!click.channel || !click.messageTs) return null;
    const owner = await deps.triageStore.packetOfThread(click.channel, click.messageTs);
    if (owner === null || owner === click.ref) return null;
    deps.log.warn(`a click on the triage message of ${owner} named another packet; refused`);
    return `That button does not belong to the packet of this message (${owner}); nothing was changed.`;
  }

  return {
    /** Approve refund, Assign to me, Resolve: the decision, then a note to whoever clicked. */
    async decision(slack: SlackCalls, action: DecisionAction, click: ButtonClick): Promise<void> {
      const refused = await mismatch(click);
      if (refused) return tell(slack, click.channel, click.user.id, refused);
      const staff = await names.staffOf(slack, click.user.id, click.user.name);
      const summary = await attempt(() => decisions[action](click.ref, staff));
      await tell(slack, click.channel, click.user.id, summary);
    },

    /** Ask for info: opens the modal with a draft question. */
    async openAsk(slack: SlackCalls, click: ButtonClick): Promise<void> {
      const refused = await mismatch(click);
      if (refused) return tell(slack, click.channel, click.user.id, refused);
      const packet = await deps.store.getPacket(click.ref);
      if (!packet) return tell(slack, click.channel, click.user.id, `No packet ${click.ref}.`);
      // The trigger expires 3 s after the click: the modal opens before anything slower.
      await slack.openView({ trigger_id: click.triggerId, view: askModal(packet, { ref: click.ref, channel: click.channel ?? null }) }).catch((error: unknown) => {
        deps.log.warn(`could not open the Ask for info modal: ${String(error)}`);
        return tell(slack, click.channel, click.user.id, 'The form could not be opened in time; click *Ask for info* again.');
      });
    },

    /** Before the modal's acknowledgement: the errors it shows, or null when the question can go. */
    askErrors(question: string | null | undefined): Record<string, string> | null {
      return (question ?? '').trim() === '' ? { [AskModal.blockId]: 'Write the question for the user.' } : null;
    },

    /** A submitted question: to the user by their channel, and a note to staff. */
    async submitAsk(slack: SlackCalls, submission: AskSubmission): Promise<void> {
      const origin = AskOrigin.safeParse(safeJson(submission.privateMetadata));
      if (!origin.success) return deps.log.warn('an Ask for info modal came back without its packet');
      const staff = await names.staffOf(slack, submission.user.id, submission.user.name);
      const question = submission.question.trim();
      const summary = await attempt(() => deps.triage.askForInfo(origin.data.ref, staff, question, submission.viewId));
      await tell(slack, origin.data.channel ?? undefined, submission.user.id, summary);
    },

    /** `/prism lookup <email>` and `/prism packet <ref>`: the answer, for the one who asked only. */
    async command(request: CommandRequest): Promise<CommandReply> {
      // Slack may send an email as `<mailto:a@b.c|a@b.c>` when the command escapes its text.
      const [sub, arg] = fromSlackText(request.text).trim().split(/\s+/);
      const staff = { id: request.user.id, name: request.user.name ?? null };
      try {
        if (sub === 'lookup' && arg) {
          const result = await deps.triage.lookup(arg, staff, request.triggerId);
          return { response_type: 'ephemeral', ...lookupMessage(result) };
        }
        const ref = arg?.toUpperCase();
        if (sub === 'packet' && ref && PACKET_REF.test(ref)) {
          const summary = await deps.triage.packetSummary(ref, staff, request.triggerId);
          const message = summary ? packetMessage(summary.packet, summary.audit, { actions: false }) : { text: `No packet ${escapeSlack(ref)}.` };
          return { response_type: 'ephemeral', ...message };
        }
        return { response_type: 'ephemeral', ...usageMessage() };
      } catch (error) {
        deps.log.error(`a ${COMMAND} command failed`, error);
        return { response_type: 'ephemeral', text: 'That did not work; try again in a moment.' };
      }
    },

    /** A message in a packet's thread starting with `reply:` goes to the user; anything else stays among staff. */
    async threadMessage(slack: SlackCalls, message: ThreadMessage): Promise<void> {
      if (!message.threadTs || message.threadTs === message.ts) return;
      const ref = await deps.triageStore.packetOfThread(message.channel, message.threadTs);
      if (!ref) return;
      const reply = /^\s*reply:\s*/i.exec(message.text ?? '');
      // Anything else in a packet's thread is staff talking among themselves: it stays in Slack.
      if (!reply) return;
      const staff = await names.staffOf(slack, message.user, null);
      const text = fromSlackText((message.text ?? '').slice(reply[0].length));
      const outcome = await deps.triage.replyToUser(ref, staff, text, `${message.channel}:${message.ts}`).catch((error: unknown) => {
        deps.log.error('a reply to the user failed', error);
        return { status: 'failed' as const, summary: 'The reply did not reach the user; send it again in a moment.' };
      });
      // A retried event had its effect the first time, and its note too.
      if (outcome.status !== 'duplicate') await tell(slack, message.channel, message.user, outcome.summary, message.threadTs);
    },
  };
}

export type TriageHandlers = ReturnType<typeof createTriageHandlers>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

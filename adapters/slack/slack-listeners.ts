import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SupportStore } from '../../src/core/support-store.ts';
import type { TriageStore } from '../../src/triage/triage-store.ts';
import type { TriageService } from '../../src/triage/triage-service.ts';
import type { DecisionOutcome, StaffMember } from '../../src/triage/triage-types.ts';
import { AskModal, AskOrigin, askModal } from './blocks/ask-modal.ts';
import { ActionId } from './blocks/decision-blocks.ts';
import { fromSlackText } from './blocks/slack-text.ts';
import { registerCommand } from './slash-command.ts';
import { createStaffNames } from './staff-names.ts';

export interface ListenerDeps {
  triage: TriageService;
  store: SupportStore;
  triageStore: TriageStore;
}

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * The Slack side of triage, kept thin: every listener acknowledges first, then hands the click,
 * submission, command or thread reply to the triage service and tells the member of staff how it
 * went, only them (an ephemeral message).
 */
export function registerTriageListeners(app: App, deps: ListenerDeps): void {
  const names = createStaffNames();

  async function tell(client: WebClient, channel: string | undefined, user: string, text: string, threadTs?: string) {
    if (!channel) return;
    await client.chat.postEphemeral({ channel, user, text, ...(threadTs && { thread_ts: threadTs }) }).catch((error: unknown) => {
      app.logger.warn(`could not tell ${user}: ${String(error)}`);
    });
  }

  async function attempt(run: () => Promise<DecisionOutcome>): Promise<string> {
    try {
      return (await run()).summary;
    } catch (error) {
      app.logger.error('a triage decision failed', error);
      return `That did not work (${error instanceof Error ? error.message : 'unexpected error'}); nothing was changed that a second click would repeat. Try again in a moment.`;
    }
  }

  function decision(run: (ref: string, staff: StaffMember) => Promise<DecisionOutcome>) {
    return async ({ ack, body, action, client }: ButtonArgs) => {
      await ack();
      const staff = await names.staffOf(client, body.user.id, body.user.name ?? body.user.username);
      const summary = await attempt(() => run(action.value ?? '', staff));
      await tell(client, body.channel?.id, body.user.id, summary);
    };
  }

  app.action<BlockButtonAction>(ActionId.approve, decision((ref, staff) => deps.triage.approveRefund(ref, staff)));
  app.action<BlockButtonAction>(ActionId.assign, decision((ref, staff) => deps.triage.assign(ref, staff)));
  app.action<BlockButtonAction>(ActionId.resolve, decision((ref, staff) => deps.triage.resolve(ref, staff)));

  app.action<BlockButtonAction>(ActionId.ask, async ({ ack, body, action, client }) => {
    await ack();
    const ref = action.value ?? '';
    const packet = await deps.store.getPacket(ref);
    if (!packet) return tell(client, body.channel?.id, body.user.id, `No packet ${ref}.`);
    // The trigger expires 3 s after the click: the modal opens before anything slower.
    await client.views.open({ trigger_id: body.trigger_id, view: askModal(packet, { ref, channel: body.channel?.id ?? null }) }).catch((error: unknown) => {
      app.logger.warn(`could not open the Ask for info modal: ${String(error)}`);
      return tell(client, body.channel?.id, body.user.id, 'The form could not be opened in time; click *Ask for info* again.');
    });
  });

  app.view(AskModal.callbackId, async ({ ack, body, view, client }) => {
    const question = view.state.values[AskModal.blockId]?.[AskModal.actionId]?.value?.trim() ?? '';
    if (question === '') {
      await ack({ response_action: 'errors', errors: { [AskModal.blockId]: 'Write the question for the user.' } });
      return;
    }
    await ack();
    const origin = AskOrigin.safeParse(safeJson(view.private_metadata));
    if (!origin.success) return app.logger.warn('an Ask for info modal came back without its packet');
    const staff = await names.staffOf(client, body.user.id, body.user.name);
    const summary = await attempt(() => deps.triage.askForInfo(origin.data.ref, staff, question, view.id));
    await tell(client, origin.data.channel ?? undefined, body.user.id, summary);
  });

  registerCommand(app, deps.triage);

  app.event('message', async ({ event, client }) => {
    // Only people's plain messages in a thread: edits, joins and bots' posts have a subtype.
    if (event.subtype !== undefined || !event.thread_ts || event.thread_ts === event.ts) return;
    const ref = await deps.triageStore.packetOfThread(event.channel, event.thread_ts);
    if (!ref) return;
    const reply = /^\s*reply:\s*/i.exec(event.text ?? '');
    // Anything else in a packet's thread is staff talking among themselves: it stays in Slack.
    if (!reply) return;
    const staff = await names.staffOf(client, event.user, null);
    const text = fromSlackText((event.text ?? '').slice(reply[0].length));
    const outcome = await deps.triage.replyToUser(ref, staff, text, `${event.channel}:${event.ts}`).catch((error: unknown) => {
      app.logger.error('a reply to the user failed', error);
      return { status: 'failed' as const, summary: 'The reply did not reach the user; send it again in a moment.' };
    });
    // A retried event had its effect the first time, and its note too.
    if (outcome.status !== 'duplicate') await tell(client, event.channel, event.user, outcome.summary, event.thread_ts);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

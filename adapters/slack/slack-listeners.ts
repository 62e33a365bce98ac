import type { App, BlockButtonAction } from '@slack/bolt';
import type { SupportStore } from '../../src/core/support-store.ts';
import type { TriageService } from '../../src/triage/triage-service.ts';
import type { TriageStore } from '../../src/triage/triage-store.ts';
import { AskModal } from './blocks/ask-modal.ts';
import { ActionId } from './blocks/decision-blocks.ts';
import { registerCommand } from './slash-command.ts';
import { createTriageHandlers, decisionActions } from './triage-handlers.ts';
import { webClientCalls } from './web-client-calls.ts';

export interface ListenerDeps {
  triage: TriageService;
  store: SupportStore;
  triageStore: TriageStore;
}

/**
 * The Slack side of triage on Node, kept thin: every bolt listener acknowledges first, then hands
 * the click, submission, command or thread reply to the shared handlers (triage-handlers.ts, the
 * same ones the Workers' fetch handler calls), which tell the member of staff how it went, only them.
 */
export function registerTriageListeners(app: App, deps: ListenerDeps): void {
  const handlers = createTriageHandlers({ ...deps, log: app.logger });

  for (const actionId of decisionActions) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      await handlers.decision(webClientCalls(client), actionId, {
        ref: action.value ?? '',
        user: { id: body.user.id, name: body.user.name ?? body.user.username },
        channel: body.channel?.id,
        messageTs: body.container?.message_ts,
        triggerId: body.trigger_id,
      });
    });
  }

  app.action<BlockButtonAction>(ActionId.ask, async ({ ack, body, action, client }) => {
    await ack();
    await handlers.openAsk(webClientCalls(client), {
      ref: action.value ?? '',
      user: { id: body.user.id, name: body.user.name ?? body.user.username },
      channel: body.channel?.id,
      messageTs: body.container?.message_ts,
      triggerId: body.trigger_id,
    });
  });

  app.view(AskModal.callbackId, async ({ ack, body, view, client }) => {
    const question = view.state.values[AskModal.blockId]?.[AskModal.actionId]?.value;
    const errors = handlers.askErrors(question);
    if (errors) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    await handlers.submitAsk(webClientCalls(client), {
      viewId: view.id,
      privateMetadata: view.private_metadata,
      question: question ?? '',
      user: { id: body.user.id, name: body.user.name },
    });
  });

  registerCommand(app, handlers);

  app.event('message', async ({ event, client }) => {
    // Only people's plain messages: edits, joins and bots' posts have a subtype.
    if (event.subtype !== undefined) return;
    await handlers.threadMessage(webClientCalls(client), {
      channel: event.channel,
      ts: event.ts,
      threadTs: event.thread_ts,
      text: event.text,
      user: event.user,
    });
  });
}

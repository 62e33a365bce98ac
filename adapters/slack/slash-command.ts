import type { App } from '@slack/bolt';
import { COMMAND, type TriageHandlers } from './triage-handlers.ts';

export { COMMAND };

/** `/prism lookup <email>` and `/prism packet <ref>` on bolt: answered to the one who asked only. */
export function registerCommand(app: App, handlers: Pick<TriageHandlers, 'command'>): void {
  app.command(COMMAND, async ({ ack, command, respond }) => {
    await ack();
    await respond(await handlers.command({ text: command.text, user: { id: command.user_id, name: command.user_name }, triggerId: command.trigger_id }));
  });
}

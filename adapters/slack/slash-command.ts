import type { App } from '@slack/bolt';
import { PACKET_REF } from '../../src/core/packet-ref.ts';
import type { TriageService } from '../../src/triage/triage-service.ts';
import { lookupMessage, usageMessage } from './blocks/lookup-message.ts';
import { packetMessage } from './blocks/packet-message.ts';
import { escapeSlack, fromSlackText } from './blocks/slack-text.ts';

/** The slash command of the app (see manifest.yaml). */
export const COMMAND = '/prism';

/** `/prism lookup <email>` and `/prism packet <ref>`: answered to the one who asked only. */
export function registerCommand(app: App, triage: TriageService): void {
  app.command(COMMAND, async ({ ack, command, respond }) => {
    await ack();
    // Slack may send an email as `<mailto:a@b.c|a@b.c>` when the command escapes its text.
    const [sub, arg] = fromSlackText(command.text).trim().split(/\s+/);
    const staff = { id: command.user_id, name: command.user_name };
    try {
      if (sub === 'lookup' && arg) {
        const result = await triage.lookup(arg, staff, command.trigger_id);
        await respond({ response_type: 'ephemeral', ...lookupMessage(result) });
        return;
      }
      const ref = arg?.toUpperCase();
      if (sub === 'packet' && ref && PACKET_REF.test(ref)) {
        const summary = await triage.packetSummary(ref, staff, command.trigger_id);
        const message = summary
          ? packetMessage(summary.packet, summary.audit, { actions: false })
          : { text: `No packet ${escapeSlack(ref)}.` };
        await respond({ response_type: 'ephemeral', ...message });
        return;
      }
      await respond({ response_type: 'ephemeral', ...usageMessage() });
    } catch (error) {
      app.logger.error('a /prism command failed', error);
      await respond({ response_type: 'ephemeral', text: 'That did not work; try again in a moment.' });
    }
  });
}

import type { App, BlockButtonAction } from '@slack/bolt';
import type { IncidentService } from '../../src/incidents/incident-service.ts';
import { INCIDENT_RESOLVE } from './blocks/incident-message.ts';

/**
 * The Resolve button of an incident's message (bolt, on Node): acknowledged first, then the
 * incident resolved as the member of staff who clicked; its message is redrawn through the outbox
 * and the users who asked are told. A second click finds it resolved and changes nothing.
 */
export function registerIncidentListener(app: App, incidents: Pick<IncidentService, 'resolve'>, afterWork: () => Promise<unknown>): void {
  app.action<BlockButtonAction>(INCIDENT_RESOLVE, async ({ ack, body, action, logger }) => {
    await ack();
    try {
      await incidents.resolve(action.value ?? '', `slack:${body.user.id}`);
      await afterWork();
    } catch (error) {
      logger.error('resolving an incident failed', error);
    }
  });
}

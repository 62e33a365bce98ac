import type { Clock, IdGenerator, PlatformData } from '../../src/core/ports.ts';
import type { StuckLimits } from '../../src/core/reconcile-account.ts';
import type { SupportStore } from '../../src/core/support-store.ts';
import type { UserNotifier } from '../../src/core/user-notifier.ts';
import { type TriageService, createTriageService } from '../../src/triage/triage-service.ts';
import type { TriageStore } from '../../src/triage/triage-store.ts';

/** What the desk's Slack channel needs on either runtime (bolt on Node, the fetch handler on Workers). */
export interface SlackDeskOptions {
  botToken: string;
  signingSecret: string;
  /** Slack's Web API, `https://slack.com/api/` unless pointed elsewhere (a stand-in in tests). */
  apiUrl: string;
  triageChannel: string;
  store: SupportStore;
  platform: PlatformData;
  notifier: Pick<UserNotifier, 'notify'>;
  now: Clock;
  newId: IdGenerator;
  stuckLimits?: StuckLimits;
  /** Called when a decision queued a message update (to run the outbox now). */
  onQueued?: () => void;
  /** Per Web API call; a Slack that hangs is given up on after this. */
  timeoutMs?: number;
}

/** The triage service behind the Slack channel, the same on both runtimes. */
export function slackTriageService(options: SlackDeskOptions, triageStore: TriageStore): TriageService {
  return createTriageService({
    store: options.store,
    triage: triageStore,
    platform: options.platform,
    notifier: options.notifier,
    now: options.now,
    newId: options.newId,
    slackChannel: options.triageChannel,
    ...(options.stuckLimits && { stuckLimits: options.stuckLimits }),
    ...(options.onQueued && { onQueued: options.onQueued }),
  });
}

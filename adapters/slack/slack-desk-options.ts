import type { Clock } from '../../src/core/ports.ts';
import type { SupportStore } from '../../src/core/support-store.ts';
import type { IncidentService } from '../../src/incidents/incident-service.ts';
import type { TriageService } from '../../src/triage/triage-service.ts';
import type { TriageStore } from '../../src/triage/triage-store.ts';

/** What the desk's Slack channel needs on either runtime (bolt on Node, the fetch handler on Workers). */
export interface SlackDeskOptions {
  botToken: string;
  signingSecret: string;
  /** Slack's Web API, `https://slack.com/api/` unless pointed elsewhere (a stand-in in tests). */
  apiUrl: string;
  /** Staff's decisions, as the desk wired them (src/desk.ts): the same on both runtimes. */
  triage: TriageService;
  triageStore: TriageStore;
  store: SupportStore;
  now: Clock;
  /** Per Web API call; a Slack that hangs is given up on after this. */
  timeoutMs?: number;
  /** Incidents: their one message in the channel (`slack.incident`) and its Resolve button. */
  incidents?: IncidentService;
}

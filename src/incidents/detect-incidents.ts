import type { FailedRun, Studio } from '../core/platform-types.ts';
import { errorKey, errorLabel } from './error-key.ts';
import type { Incident } from './incident-types.ts';

export interface IncidentSettings {
  /** Accounts with a matching failure inside the window that make an incident. */
  minAccounts: number;
  windowMs: number;
  /** An open incident with no matching failure for this long resolves. */
  quietMs: number;
}

export interface NewIncident {
  studio: Studio;
  errorKey: string;
  error: string;
  since: number;
  lastFailureAt: number;
  accounts: number;
}

/** What one sweep found: incidents to open, open ones that grew, open ones gone quiet. */
export interface Detection {
  open: NewIncident[];
  grow: { id: string; accounts: number; lastFailureAt: number }[];
  quiet: string[];
}

const clusterOf = (studio: string, key: string) => `${studio}\u0000${key}`;

/**
 * Clusters failed runs by studio and error (code, else normalised message). A cluster without an
 * open incident opens one when at least `minAccounts` accounts failed in it within the window; an
 * open incident counts the accounts failed since it began and resolves after `quietMs` without one.
 */
export function detectIncidents(failures: readonly FailedRun[], open: readonly Incident[], settings: IncidentSettings, now: number): Detection {
  const clusters = new Map<string, { studio: Studio; key: string; runs: { accountId: string; at: number; label: string }[] }>();
  for (const run of failures) {
    const key = errorKey(run.error);
    const id = clusterOf(run.studio, key);
    const cluster = clusters.get(id) ?? { studio: run.studio, key, runs: [] };
    cluster.runs.push({ accountId: run.accountId, at: Date.parse(run.createdAt), label: errorLabel(run.error) });
    clusters.set(id, cluster);
  }
  const detection: Detection = { open: [], grow: [], quiet: [] };
  const openByCluster = new Map(open.map((incident) => [clusterOf(incident.studio, incident.errorKey), incident]));

  for (const [id, cluster] of clusters) {
    const incident = openByCluster.get(id);
    if (incident) {
      const since = cluster.runs.filter((r) => r.at >= incident.since);
      const accounts = new Set(since.map((r) => r.accountId)).size;
      const last = Math.max(incident.lastFailureAt, ...since.map((r) => r.at));
      if (accounts > incident.accounts || last > incident.lastFailureAt) {
        detection.grow.push({ id: incident.id, accounts: Math.max(accounts, incident.accounts), lastFailureAt: last });
      }
      continue;
    }
    const recent = cluster.runs.filter((r) => r.at >= now - settings.windowMs && r.at <= now).sort((a, b) => a.at - b.at);
    const accounts = new Set(recent.map((r) => r.accountId)).size;
    const first = recent[0];
    const last = recent.at(-1);
    if (accounts >= settings.minAccounts && first && last) {
      detection.open.push({ studio: cluster.studio, errorKey: cluster.key, error: first.label, since: first.at, lastFailureAt: last.at, accounts });
    }
  }

  for (const incident of open) {
    const grown = detection.grow.find((g) => g.id === incident.id);
    const last = grown?.lastFailureAt ?? incident.lastFailureAt;
    if (now - last >= settings.quietMs) detection.quiet.push(incident.id);
  }
  return detection;
}

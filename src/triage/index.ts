export { type DecideDeps, decide } from './decide.ts';
export { createMemoryTriageStore } from './memory-triage-store.ts';
export { assigneeOf, decisionsOf, type PacketDecision, verdictOf } from './packet-history.ts';
export { type LookupResult, type PacketSummary, createTriageReads } from './triage-reads.ts';
export { type TriageDeps, type TriageService, createTriageService } from './triage-service.ts';
export type { SlackMessageRef, TriageStore } from './triage-store.ts';
export { type DecisionOutcome, type StaffMember, TriageAction, staffActor } from './triage-types.ts';
export { SIGNATURE_WINDOW_S, type SignatureCheck, type SlackVerifier, createSlackVerifier } from './verify-slack-signature.ts';

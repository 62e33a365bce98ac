export { type AutoReplyPayload, composeAcknowledgement, composeAutoReply } from './auto-reply.ts';
export { type OutboundMail, type SendMail, createEmailDelivery } from './email-delivery.ts';
export { type EmailIntake, type EmailIntakeDeps, type IntakeOutcome, createEmailIntake } from './email-intake.ts';
export { DEFAULT_EMAIL_LIMITS, type EmailLimits, type EmailRejectReason, EmailRejectedError, EmailReport } from './email-report.ts';
export type { DeadLetter, EmailStore, ProcessedMessage, RecordResult } from './email-store.ts';
export { type ParsedEmail, parseEmail, parseEmailReport } from './parse-email.ts';

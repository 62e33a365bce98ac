import type { DeskConfig } from '../config.ts';
import { newId } from '../core/ids.ts';
import type { PacketService } from '../core/packet-service.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import type { SupportStore } from '../core/support-store.ts';
import { type EmailIntakeDeps, createEmailIntake } from './email-intake.ts';
import type { EmailStore } from './email-store.ts';

/** The email intake as configured: the same on Node (`POST /api/email/inbound`) and in the mail Worker. */
export function intakeFromConfig(
  deps: { store: SupportStore; emailStore: EmailStore; platform: PlatformData; packets: PacketService; now: Clock; parse?: EmailIntakeDeps['parse'] },
  config: DeskConfig,
) {
  return createEmailIntake({
    ...deps,
    newId,
    destinations: config.destinations,
    supportFrom: config.email.from,
    trustedAuthservId: config.email.trustedAuthservId,
    maxUnverifiedRepliesPerHour: config.email.autoReplyUnverifiedPerHour,
  });
}

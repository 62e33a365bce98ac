import type { DeskConfig } from '../../src/config.ts';
import type { DeskDb } from './desk-db.ts';
import { holdsSeededDemo } from './seed-demo.ts';

/** Whether the demo page at `/` signs the widget in, as whom, and if not, why not. */
export type DemoPageState =
  | { signedIn: true; email: string; secret: string; forced: boolean }
  | { signedIn: false; reason: 'off' | 'no_secret' | 'platform_http' | 'not_seeded_demo' };

/**
 * The page hands out a valid identity (the hash of WIDGET_DEMO_EMAIL under the real secret), so by
 * default only over the seeded demo data, whose users are fictional; WIDGET_DEMO=on signs in
 * whatever the data, WIDGET_DEMO=off never.
 */
export async function demoPageState(db: DeskDb, config: Pick<DeskConfig, 'platform' | 'widget' | 'chat'>): Promise<DemoPageState> {
  const { demo, demoEmail } = config.widget;
  const secret = config.chat.identitySecret;
  if (demo === 'off') return { signedIn: false, reason: 'off' };
  if (!secret) return { signedIn: false, reason: 'no_secret' };
  if (demo === 'on') return { signedIn: true, email: demoEmail, secret, forced: true };
  if (config.platform.kind === 'http') return { signedIn: false, reason: 'platform_http' };
  if (!(await holdsSeededDemo(db))) return { signedIn: false, reason: 'not_seeded_demo' };
  return { signedIn: true, email: demoEmail, secret, forced: false };
}

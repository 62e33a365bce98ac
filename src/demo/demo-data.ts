import type { Account, Generation, LedgerEntry } from '../core/platform-types.ts';

export interface DemoAccount {
  email: string;
  story: string;
}

const MIN = 60_000;

/**
 * Demo accounts covering every verdict, with times relative to `now` so that the demo tells the
 * same story whenever it is seeded.
 */
export function demoData(now: number): {
  accounts: Account[];
  generations: Generation[];
  ledger: LedgerEntry[];
  guide: DemoAccount[];
} {
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MIN).toISOString();
  const accounts: Account[] = [
    { id: 'acc_maya', email: 'maya@example.com', name: 'Maya Berg', timezone: 'Europe/Berlin' },
    { id: 'acc_leo', email: 'leo@example.com', name: 'Leo Park', timezone: 'America/New_York' },
    { id: 'acc_ana', email: 'ana@example.com', name: 'Ana Sato', timezone: 'Asia/Tokyo' },
    { id: 'acc_sam', email: 'sam@example.com', name: 'Sam Okafor', timezone: 'Africa/Lagos' },
  ];
  const generations: Generation[] = [
    // Maya: a 4k video that failed but was charged (refund due), and a music run in another tab.
    { id: 'gen_maya_video', accountId: 'acc_maya', studio: 'video', prompt: 'a paper boat crossing a stormy sea at dusk, cinematic', settings: { resolution: '4k', referenceImages: 1, durationSeconds: 8 }, status: 'failed', error: { code: 'model_timeout', message: 'Generation failed: model timeout' }, createdAt: at(95), finishedAt: at(88) },
    { id: 'gen_maya_music', accountId: 'acc_maya', studio: 'music', prompt: 'calm piano for a rainy evening', settings: { durationSeconds: 60 }, status: 'completed', createdAt: at(84), finishedAt: at(81), libraryItemId: 'lib_maya_1' },
    { id: 'gen_maya_image', accountId: 'acc_maya', studio: 'image', prompt: 'paper boat, watercolor', settings: { resolution: '1024x1024' }, status: 'completed', createdAt: at(60 * 26), finishedAt: at(60 * 26 - 1), libraryItemId: 'lib_maya_2' },
    // Leo: an image run that failed, was charged and has been refunded already.
    { id: 'gen_leo_image', accountId: 'acc_leo', studio: 'image', prompt: 'neon city street in the rain, wide angle', settings: { resolution: '2048x2048' }, status: 'failed', error: { code: 'capacity', message: 'Something went wrong. Please try again.' }, createdAt: at(60 * 5), finishedAt: at(60 * 5 - 2) },
    // Ana: a storyboard that failed without a charge, and an unlinked spend that matches a failed music run.
    { id: 'gen_ana_story', accountId: 'acc_ana', studio: 'storyboard', prompt: 'a six-panel storyboard of a fox learning to fly', settings: { referenceImages: 2 }, status: 'failed', error: { message: 'Storyboard generation failed' }, createdAt: at(45), finishedAt: at(43) },
    { id: 'gen_ana_music', accountId: 'acc_ana', studio: 'music', prompt: 'lo-fi beat with vinyl crackle and soft rain, slow tempo, warm bass', settings: { durationSeconds: 120 }, status: 'failed', error: { code: 'model_timeout', message: 'Music generation timed out' }, createdAt: at(200), finishedAt: at(190) },
    // Sam: a video stuck on processing for hours, and an image still within its expected time.
    { id: 'gen_sam_video', accountId: 'acc_sam', studio: 'video', prompt: 'drone shot over a misty forest at sunrise', settings: { resolution: '1080p', durationSeconds: 6 }, status: 'processing', createdAt: at(60 * 3) },
    { id: 'gen_sam_image', accountId: 'acc_sam', studio: 'image', prompt: 'portrait of an astronaut cat', settings: { resolution: '1024x1024' }, status: 'processing', createdAt: at(2) },
  ];
  const ledger: LedgerEntry[] = [
    { id: 'led_maya_buy', accountId: 'acc_maya', type: 'purchase', amount: 200, createdAt: at(60 * 24 * 10), description: 'Starter pack' },
    { id: 'led_maya_img', accountId: 'acc_maya', type: 'spend', amount: -4, generationId: 'gen_maya_image', createdAt: at(60 * 26 - 1) },
    { id: 'led_maya_video', accountId: 'acc_maya', type: 'spend', amount: -40, generationId: 'gen_maya_video', createdAt: at(88) },
    { id: 'led_maya_music', accountId: 'acc_maya', type: 'spend', amount: -10, generationId: 'gen_maya_music', createdAt: at(81) },
    { id: 'led_leo_grant', accountId: 'acc_leo', type: 'grant', amount: 50, createdAt: at(60 * 24 * 3), description: 'Welcome credits' },
    { id: 'led_leo_image', accountId: 'acc_leo', type: 'spend', amount: -8, generationId: 'gen_leo_image', createdAt: at(60 * 5 - 2) },
    { id: 'led_leo_refund', accountId: 'acc_leo', type: 'refund', amount: 8, generationId: 'gen_leo_image', refundOf: 'led_leo_image', createdAt: at(60 * 4), description: 'Refund: failed generation' },
    { id: 'led_ana_buy', accountId: 'acc_ana', type: 'purchase', amount: 100, createdAt: at(60 * 24 * 7) },
    { id: 'led_ana_old', accountId: 'acc_ana', type: 'spend', amount: -12, createdAt: at(189), description: 'Music Studio' },
    { id: 'led_sam_grant', accountId: 'acc_sam', type: 'grant', amount: 30, createdAt: at(60 * 24) },
  ];
  const guide: DemoAccount[] = [
    { email: 'maya@example.com', story: 'refund due: a 4k Video Studio run failed and cost 40 credits; a Music Studio run in another tab used 10' },
    { email: 'leo@example.com', story: 'refunded: an Image Studio run failed, was charged 8 credits and refunded' },
    { email: 'ana@example.com', story: 'not charged (Storyboard) and an inferred charge: an unlinked 12-credit spend right after a failed Music run' },
    { email: 'sam@example.com', story: 'stuck: a Video Studio run processing for 3 hours; in progress: an Image Studio run started 2 minutes ago' },
  ];
  return { accounts, generations, ledger, guide };
}

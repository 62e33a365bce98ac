/** A platform notification as a user forwards it: the prompt, the time and the error the intake must find in it. */
export const FORWARDED_NOTIFICATION = [
  '---------- Forwarded message ---------',
  'From: PrismPoster <notifications@prismposter.com>',
  'Date: Thu, Nov 19, 2026 at 6:41 PM',
  'Subject: Your generation failed',
  'To: <kim@example.com>',
  '',
  'Your Music Studio generation failed.',
  'Prompt: lo-fi beat with rain sounds',
  'Time: 2026-11-19T18:32:05Z',
  'Error: Music generation failed: encoder crashed',
];

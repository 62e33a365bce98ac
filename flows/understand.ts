import { studios } from '../src/core/platform-types.ts';
import { parseTime } from './parse-time.ts';
import type { Intent, Studio, Understanding } from './types.ts';

/** Checked in order: negatives before positives, so "didn't work" never reads as "worked". */
const intentRules: ReadonlyArray<readonly [Intent, RegExp]> = [
  [
    'still_failing',
    /\b(still (failing|fails|failed|broken|erroring|not working|does ?n[o']?t work|errors?)|(did|does|do|wo) ?n[o']?t work|not working|not fixed|is ?n[o']?t fixed|same (error|problem|issue|thing)|fail(ed|s)? again|no luck)\b/,
  ],
  [
    'still_stuck',
    /\b(still (stuck|processing|waiting|loading|spinning|queued|pending|running)|not (there|here|arrived|in the library) yet|has ?n[o']?t (arrived|appeared|shown up|finished|come)|nothing (yet|arrived|there)|not yet)\b/,
  ],
  ['worked', /\b(worked|works( now| fine)?|working now|fixed|solved|sorted|succeeded|went through|that did it|did the trick)\b/],
  ['arrived', /\b(arrived|it'?s (there|here|in the library)|showed up|shows up now|appeared|found it|got it now)\b/],
  ['send', /\b(send( it| this| them| that)?( to support)?|contact support|talk to (a )?(human|person|agent|someone)|escalate|report (it|this))\b/],
  ['all_good', /\b(all good|all fine|everything'?s? (is )?(fine|ok|okay|good)|i'?m (good|fine|ok|okay)|no thanks|that'?s all|nothing else)\b/],
  ['yes', /^(yes|yeah|yep|yup|sure|ok|okay|please( do)?|correct|right|y)\b/],
  ['no', /^(no|nope|nah|n|not really)\b/],
  ['other', /^(other|something else)\b|\bsomething else\b/],
];

const studioRules: ReadonlyArray<readonly [Studio, RegExp]> = [
  ['video', /\b(videos?|clips?)\b/],
  ['music', /\b(music|songs?|audio)\b/],
  ['storyboard', /\bstoryboards?\b/],
  ['image', /\b(images?|pictures?|photos?)\b/],
];

const quotePattern = /“([^”]+)”|„([^“”]+)[“”]|«\s*([^»]+?)\s*»|"([^"]+)"/g;
const errorCue = /\b(error|errors|said|says|saying|message|shows?|showed|got|reads?|popup|pop-up)\b[^"“„«]{0,20}$/;
const emailPattern = /[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+/i;

/** The studio named in the text; an explicit "<name> studio" wins, then the earliest mention. */
function findStudio(text: string): Studio | null {
  const explicit = text.match(/\b(video|music|storyboard|image)\s+studio\b/)?.[1];
  const named = studios.find((s) => s === explicit);
  if (named) return named;
  // "remove the reference image" is not about Image Studio.
  const plain = text.replace(/\breference (images?|pictures?|photos?)\b/g, ' ');
  let best: { studio: Studio; at: number } | null = null;
  for (const [studio, pattern] of studioRules) {
    const at = plain.search(pattern);
    if (at >= 0 && (best === null || at < best.at)) best = { studio, at };
  }
  return best?.studio ?? null;
}

/**
 * What one free-text message says, as far as simple patterns can tell: an intent ("it worked",
 * "still failing", "yes"…), a studio, when it happened (resolved against `now` in `timezone` to a
 * UTC ISO string), an email address, a quoted prompt and a quoted error message. Pure.
 */
export function understand(text: string, options: { now: number; timezone: string }): Understanding {
  const result: Understanding = { intent: null, studio: null, occurredAt: null, email: null, prompt: null, errorMessage: null };
  // Quoted text is the user's prompt or error, never an instruction to the bot: read it out first.
  let rest = '';
  let last = 0;
  for (const match of text.matchAll(quotePattern)) {
    const quoted = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? '').trim();
    const before = text.slice(last, match.index);
    rest += `${before} `;
    last = match.index + match[0].length;
    if (!quoted) continue;
    if (errorCue.test(before.toLowerCase()) && result.errorMessage === null) result.errorMessage = quoted;
    else if (result.prompt === null) result.prompt = quoted;
    else if (result.errorMessage === null) result.errorMessage = quoted;
  }
  rest += text.slice(last);
  const email = rest.match(emailPattern);
  if (email) {
    result.email = email[0].toLowerCase();
    rest = rest.replace(emailPattern, ' ');
  }
  const plain = rest.toLowerCase().replace(/[’‘`]/g, "'").replace(/\s+/g, ' ').trim();
  result.intent = intentRules.find(([, pattern]) => pattern.test(plain))?.[0] ?? null;
  result.studio = findStudio(plain);
  result.occurredAt = parseTime(plain, options.now, options.timezone);
  return result;
}

import type { Studio } from '../core/platform-types.ts';
import type { Step } from '../core/support-packet.ts';
import { extractSettings } from './extract-settings.ts';

/** What one stretch of a user's own words says about the report. */
export interface ReportFields {
  accountEmail: string | null;
  studio: Studio | null;
  prompt: string | null;
  settings: Record<string, unknown> | null;
  errorMessage: string | null;
  generationIds: string[];
  stepsTried: Step[];
  /** The text with the prompt and the error blanked out: where times and zones are looked for. */
  rest: string;
}

const QUOTED = /(["“„«])([^"“”„«»\n]{2,600}?)(["”“»])/g;
const BEFORE_PROMPT = /\bprompts?\b[^.!?\n"“„«]{0,40}$/i;
const AFTER_PROMPT = /^\s*(?:as|was|is) (?:the|my) prompt\b/i;
const BEFORE_ERROR = /\b(?:error|errors|message|said|says|saying|showed|shows|displayed|displays|reads|read|popup|pop-up|got|notice|banner|failed with|with)\b[^.!?\n"“„«]{0,40}$/i;
const PROMPT_LINE = /\bprompt(?: was| is)?\s*[:\-–]\s*([^\n]{3,600})/i;
const ERROR_LINE = /\b(?:the )?error(?: message)?(?: was| is)?\s*[:\-–]\s*([^\n]{3,400})$/im;
const KNOWN_ERROR_TEXT = /^(?:Generation failed|(?:Image|Video|Music|Storyboard) generation (?:failed|timed out)|Something went wrong)/;
const KNOWN_ERROR =
  /(?:^|\n)\s*((?:Generation failed|(?:Image|Video|Music|Storyboard) generation (?:failed|timed out))(?::[^\n"”“»]*)?|Something went wrong\. Please try again\.?)\s*(?=\n|$)|\b((?:Generation failed|(?:Image|Video|Music|Storyboard) generation (?:failed|timed out)):\s[^\n."”“»]{2,200})/;
const ACCOUNT =
  /\b(?:my account(?: email| e-mail| address)?(?: is| =)?|account(?: email| e-mail)?\s*(?:is|:)|(?:sign|log|logged|signed)[- ]?(?:in|on|up) (?:with|as|using)|registered (?:with|under|as)|account (?:under|with))\s*:?\s*<?([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?/i;
const GENERATION_ID = /\bgen_[A-Za-z0-9_-]*[A-Za-z0-9]/g;
const LIBRARY_LINK = /https?:\/\/[^\s<>"')\]]+?\/library\/(?:items?\/)?([A-Za-z0-9_-]*[A-Za-z0-9])/gi;

const STUDIO_WORDS: [Studio, RegExp][] = [
  ['video', /\b(?:videos?|vidéos?|clips?|animations?)\b|動画|ビデオ|视频|видео/i],
  ['image', /\b(?<!reference )(?:images?|pictures?|bild(?:er)?|imagen(?:es)?)\b|画像|图片|изображени|картинк/i],
  ['music', /\b(?:music|musik|musique|música|songs?|soundtracks?|audio|melody)\b|音楽|音乐|музык/i],
  ['storyboard', /\bstory ?boards?\b|ストーリーボード|раскадровк/i],
];
const TROUBLE =
  /\b(?:fail\w*|errors?|stuck|broke\w*|crash\w*|didn'?t work|did not work|won'?t|never (?:finished|arrived|appeared|loaded)|timed? ?out|charged|lost|missing|hangs?|hung|spinning|processing|fehlgeschlagen|fehler|échoué|erreur)\b|失敗|エラー|失败|ошибк|не работает/i;

const STEPS: [Step, RegExp][] = [
  ['retry', /\b(?:retried|re-tried|tried (?:it )?again|tried (?:it )?(?:twice|three times|\d+ times|several times|multiple times)|re-?ran|re-?submitted|regenerated)\b/i],
  ['simplify', /\b(?:simplif(?:y|ied)|shorter prompt|simpler prompt|shortened (?:the |my )?prompt|lower(?:ed)? (?:the )?resolution|removed (?:the )?reference)/i],
  ['checked_credits', /\b(?:checked (?:my |the )?(?:credits?|balance)|credits? (?:page|history)|my (?:credits?|balance) (?:dropped|went down|decreased)|credits? (?:were|was) (?:taken|deducted|charged))/i],
];

const blank = (text: string, from: number, to: number) => text.slice(0, from) + ' '.repeat(to - from) + text.slice(to);

/** The studio the text is about: the one it names, or among several the one it says failed. */
function findStudio(text: string): Studio | null {
  const named = STUDIO_WORDS.filter(([, word]) => word.test(text)).map(([studio]) => studio);
  if (named.length <= 1) return named[0] ?? null;
  const inTrouble = new Set<Studio>();
  // Clauses, not only sentences: "the music was fine, but the video failed".
  for (const sentence of text.split(/(?<=[.!?;])\s+|\n+|,?\s+\b(?:but|while|whereas|although)\b\s+/i)) {
    if (!TROUBLE.test(sentence)) continue;
    for (const [studio, word] of STUDIO_WORDS) if (word.test(sentence)) inTrouble.add(studio);
  }
  return inTrouble.size === 1 ? ([...inTrouble][0] ?? null) : null;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Reads the report's fields from what the user wrote: the prompt and the error as quoted (or after
 * "prompt:" / "error:"), settings, the account they name, run ids and Library links, steps tried.
 */
export function extractFields(text: string): ReportFields {
  let prompt: { value: string; at: [number, number] } | null = null;
  let error: { value: string; at: [number, number] } | null = null;
  for (const m of text.matchAll(QUOTED)) {
    const start = m.index;
    const end = start + m[0].length;
    const value = (m[2] ?? '').trim();
    const before = text.slice(Math.max(0, start - 60), start);
    if (!prompt && (BEFORE_PROMPT.test(before) || AFTER_PROMPT.test(text.slice(end, end + 30)))) prompt = { value, at: [start, end] };
    else if (!error && (BEFORE_ERROR.test(before) || KNOWN_ERROR_TEXT.test(value))) error = { value, at: [start, end] };
  }
  if (!prompt) {
    const m = PROMPT_LINE.exec(text);
    if (m?.[1]) {
      // "prompt: neon city street, 2048x2048": trailing settings are settings, not words of the prompt.
      let value = m[1].trim().replace(/\.$/, '');
      for (let cut = /,\s*([^,]+)$/.exec(value); cut?.[1] && extractSettings(cut[1]); cut = /,\s*([^,]+)$/.exec(value)) value = value.slice(0, cut.index).trim();
      const start = m.index + m[0].indexOf(value);
      prompt = { value, at: [start, start + value.length] };
    }
  }
  if (!error) {
    const m = ERROR_LINE.exec(text) ?? KNOWN_ERROR.exec(text);
    const value = m?.[1] ?? m?.[2];
    if (m && value) error = { value: value.trim(), at: [m.index, m.index + m[0].length] };
  }

  const withoutPrompt = prompt ? blank(text, ...prompt.at) : text;
  const rest = error ? blank(withoutPrompt, ...error.at) : withoutPrompt;
  const ids = [...rest.matchAll(GENERATION_ID)].map((m) => ({ at: m.index, id: m[0] }));
  const links = [...rest.matchAll(LIBRARY_LINK)].map((m) => ({ at: m.index, id: m[1] ?? '' }));
  return {
    accountEmail: ACCOUNT.exec(rest)?.[1] ?? null,
    studio: findStudio(withoutPrompt),
    prompt: prompt?.value || null,
    settings: extractSettings(rest),
    errorMessage: error?.value || null,
    generationIds: unique([...ids, ...links].sort((a, b) => a.at - b.at).map((x) => x.id)),
    stepsTried: STEPS.filter(([, pattern]) => pattern.test(rest)).map(([step]) => step),
    rest: rest.replace(/https?:\/\/\S+/g, ' ').replace(GENERATION_ID, ' '),
  };
}

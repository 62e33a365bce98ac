import type { Studio } from '../core/platform-types.ts';
import type { Step } from '../core/support-packet.ts';
import { extractSettings } from './extract-settings.ts';
import type { LocalePack } from './locales/locale-pack.ts';
import { EMAIL_ADDRESS } from './email-address.ts';

/** The report's fields that one stretch of a user's own words gives. */
export interface ReportFields {
  accountEmail: string | null;
  studio: Studio | null;
  prompt: string | null;
  settings: Record<string, unknown> | null;
  errorMessage: string | null;
  generationIds: string[];
  stepsTried: Step[];
  /** The value of a `Time:` line, read before anything else for the time. */
  labelledTime: string | null;
  /** The text with the prompt and the error blanked out: where times and zones are looked for. */
  rest: string;
}

/**
 * `chat`: any address is the account, and an unlabelled quote is the prompt (a second one the
 * error), as people answer "what did you type?". `email`: only an address named as the account, and
 * only quotes a cue introduces (a mail quotes much besides).
 */
export type FieldsMode = 'chat' | 'email';

const QUOTED = /(["“„«])([^"“”„«»\n]{2,600}?)(["”“»])|(?<![\p{L}\p{N}'])(')([^'\n]{2,300}?)(')(?![\p{L}\p{N}])/gu;
const LABELLED_LINE = /^[ \t>*-]*([\p{L}][\p{L} ()/'’-]{0,30}?)[ \t]*[:：][ \t]*(\S[^\n]*)$/gmu;
const KNOWN_ERROR_TEXT = /^(?:Generation failed|(?:Image|Video|Music|Storyboard) generation (?:failed|timed out)|Something went wrong)/;
const KNOWN_ERROR =
  /(?:^|\n)[^\S\n]*((?:Generation failed|(?:Image|Video|Music|Storyboard) generation (?:failed|timed out))(?::[^\n"”“»]*)?|Something went wrong\. Please try again\.?)\s*(?=\n|$)|\b((?:Generation failed|(?:Image|Video|Music|Storyboard) generation (?:failed|timed out)):\s[^\n."”“»]{2,200})/;
const ANY_EMAIL = new RegExp(EMAIL_ADDRESS, 'i');
const EVERY_EMAIL = new RegExp(EMAIL_ADDRESS, 'gi');
const GENERATION_ID = /\bgen_[A-Za-z0-9_-]*[A-Za-z0-9]/g;
/** A link to a run in the Library; its host and path before `/library/` are bounded, so text of nothing but links reads in one pass. */
const LIBRARY_LINK = /https?:\/\/[^\s<>"')\]]{1,200}?\/library\/(?:items?\/)?([A-Za-z0-9_-]*[A-Za-z0-9])/gi;

/** `text` with spans blanked (spaces, so positions hold), in one pass: they come in order and apart, as one `matchAll` finds them. */
function blankSpans(text: string, spans: readonly { at: readonly [number, number] }[]): string {
  let out = '';
  let from = 0;
  for (const { at: [start, end] } of spans) {
    out += text.slice(from, start) + ' '.repeat(end - start);
    from = end;
  }
  return out + text.slice(from);
}

function studioOf(word: string, pack: LocalePack): Studio | null {
  return pack.fields.studios.find(([, pattern]) => pattern.test(word))?.[0] ?? null;
}

/**
 * The studio the text is about: the one it names; among several, the one it says failed ("the
 * image worked; the video failed"), else (chat) the first named "<name> Studio", else (chat) the
 * first mentioned. Email names none when it cannot tell.
 */
function findStudio(text: string, pack: LocalePack, mode: FieldsMode): Studio | null {
  const { studios } = pack.fields;
  const named = studios.filter(([, word]) => word.test(text)).map(([studio]) => studio);
  if (named.length <= 1) return named[0] ?? null;
  const inTrouble = new Set<Studio>();
  const fine = new Set<Studio>();
  // Clauses, not only sentences: "the music was fine, but the video failed".
  for (const clause of text.split(pack.fields.clauses)) {
    const trouble = pack.fields.trouble.test(clause);
    const ok = !trouble && pack.fields.fine.test(clause);
    for (const [studio, word] of studios) {
      if (!word.test(clause)) continue;
      if (trouble) inTrouble.add(studio);
      else if (ok) fine.add(studio);
    }
  }
  if (inTrouble.size === 1) return [...inTrouble][0] ?? null;
  const notFine = named.filter((s) => !fine.has(s));
  if (inTrouble.size === 0 && notFine.length === 1) return notFine[0] ?? null;
  if (mode === 'email') return null;
  const explicit = pack.fields.explicitStudio.exec(text)?.slice(1).find(Boolean);
  if (explicit) return studioOf(explicit, pack);
  let first: { studio: Studio; at: number } | null = null;
  for (const [studio, word] of studios) {
    const at = text.search(word);
    if (at >= 0 && (first === null || at < first.at)) first = { studio, at };
  }
  return first?.studio ?? null;
}

/** "neon city street, 2048x2048": trailing settings are settings, not words of the prompt. */
function trimPrompt(raw: string, pack: LocalePack): string {
  let value = raw.trim().replace(/\.$/, '');
  for (let cut = /,\s*([^,]+)$/.exec(value); cut?.[1] && extractSettings(cut[1], pack); cut = /,\s*([^,]+)$/.exec(value)) value = value.slice(0, cut.index).trim();
  return value;
}

/** An error pasted after a colon ends with its sentence, unless it is one of the platform's own texts. */
function trimError(raw: string): string {
  const value = raw.trim().replace(/^["“'«]|["”'»]$/g, '');
  const known = /^Something went wrong\. Please try again\.?/.exec(value)?.[0];
  if (known) return known;
  // The next sentence is the user's again: "Error: Out of memory. Prompt was …".
  return value.split(KNOWN_ERROR_TEXT.test(value) ? /[.!?]\s+(?=\p{Lu})/u : /(?<=[^.]{3})[.!?](?:\s|$)/)[0]?.trim() ?? value;
}

type Span = { value: string; at: [number, number] };

/**
 * Reads the report's fields from what the user wrote (`titleLength`: how much of `text` is a subject line): the prompt and the error as quoted (double,
 * curly, guillemets or single quotes), in `Label: value` lines ("Prompt:", "Error:", "Time:",
 * "Studio:") or after a cue ("failed with: Out of memory"); settings, the account, run ids and
 * Library links, steps tried, and the studio. Rules, because no library reads these: they are the
 * platform's and the mail clients' conventions.
 */
export function extractFields(text: string, pack: LocalePack, mode: FieldsMode, titleLength = 0): ReportFields {
  let prompt: Span | null = null;
  let error: Span | null = null;
  let labelledTime: string | null = null;
  let labelledStudio: Studio | null = null;
  let labelledAccount: string | null = null;
  const labelledIds: string[] = [];
  const unlabelled: Span[] = [];

  for (const m of text.matchAll(LABELLED_LINE)) {
    const label = (m[1] ?? '').trim();
    const value = (m[2] ?? '').trim();
    const start = m.index + m[0].lastIndexOf(value);
    const span: [number, number] = [start, start + value.length];
    const { labels } = pack.fields;
    if (!prompt && labels.prompt.test(label)) {
      const unquoted = value.replace(/^["“'«](.*)["”'»]$/, '$1');
      const trimmed = trimPrompt(unquoted, pack);
      // Settings cut off the prompt's end stay in the text, to be read as settings.
      const from = start + value.indexOf(unquoted);
      prompt = { value: trimmed, at: [start, Math.max(span[1] - (unquoted.length - trimmed.length), from + trimmed.length)] };
    }
    else if (!error && labels.error.test(label)) error = { value: trimError(value), at: span };
    else if (!labelledTime && labels.time.test(label)) labelledTime = value;
    else if (!labelledStudio && labels.studio.test(label)) labelledStudio = studioOf(value, pack);
    else if (!labelledAccount && labels.account.test(label)) labelledAccount = ANY_EMAIL.exec(value)?.[0] ?? null;
    else if (labels.generation.test(label)) labelledIds.push(...(value.match(/\b[\w-]{4,}\b/g) ?? []).slice(0, 1));
  }

  for (const m of text.matchAll(QUOTED)) {
    const start = m.index;
    const end = start + m[0].length;
    const value = (m[2] ?? m[5] ?? '').trim();
    if (!value || (prompt && start >= prompt.at[0] - 2 && end <= prompt.at[1] + 2) || (error && start >= error.at[0] - 2 && end <= error.at[1] + 2)) continue;
    const before = text.slice(Math.max(0, start - 60), start);
    if (!prompt && (pack.fields.beforePrompt.test(before) || pack.fields.afterPrompt.test(text.slice(end, end + 30)))) prompt = { value, at: [start, end] };
    else if (!error && (pack.fields.beforeError.test(before) || KNOWN_ERROR_TEXT.test(value))) error = { value, at: [start, end] };
    else unlabelled.push({ value, at: [start, end] });
  }
  if (!prompt) {
    const m = pack.fields.promptLine.exec(text);
    if (m?.[1]) {
      const value = trimPrompt(m[1], pack);
      const start = m.index + m[0].indexOf(value);
      prompt = { value, at: [start, start + value.length] };
    }
  }
  if (!error) {
    // A subject of "Generation failed" is a title, not the error pasted: only the body's count.
    const known = KNOWN_ERROR.exec(text.slice(titleLength));
    if (known) known.index += titleLength;
    const cued = pack.fields.errorAfterColon.exec(text);
    const m = cued && !(prompt && cued.index >= prompt.at[0] && cued.index < prompt.at[1]) ? cued : known;
    const value = m ? (m === cued ? trimError(m[1] ?? '') : (m[1] ?? m[2] ?? '').trim()) : '';
    // Blank the error itself, not the rest of its line: "…: Out of memory. 4k, gen_7" keeps its settings and ids.
    const end = m && value ? text.indexOf(value, m.index) + value.length : 0;
    if (m && value) error = { value, at: [m.index, Math.max(end, m.index + value.length)] };
  }
  if (mode === 'chat') {
    for (const span of unlabelled) {
      if (!prompt) prompt = span;
      else if (!error) error = span;
    }
  }

  const withoutPrompt = prompt ? blankSpans(text, [prompt]) : text;
  const rest = error ? blankSpans(withoutPrompt, [error]) : withoutPrompt;
  const ids = [...rest.matchAll(GENERATION_ID)].map((m) => ({ at: m.index, id: m[0] }));
  const links = [...rest.matchAll(LIBRARY_LINK)].map((m) => ({ at: m.index, id: m[1] ?? '' }));
  // In chat an address inside quotes is the user's prompt or error, not their account.
  const account =
    labelledAccount ?? pack.fields.account.exec(rest)?.[1] ?? (mode === 'chat' ? (ANY_EMAIL.exec(blankSpans(rest, unlabelled))?.[0]?.toLowerCase() ?? null) : null);
  return {
    accountEmail: account,
    studio: labelledStudio ?? findStudio(withoutPrompt.replace(EVERY_EMAIL, ' ').replace(/https?:\/\/\S+/g, ' '), pack, mode),
    prompt: prompt?.value || null,
    settings: extractSettings(rest, pack),
    errorMessage: error?.value || null,
    generationIds: [...new Set([...[...ids, ...links].sort((a, b) => a.at - b.at).map((x) => x.id), ...labelledIds.filter((id) => id.startsWith('gen_'))])],
    stepsTried: pack.fields.steps.filter(([, pattern]) => pattern.test(rest)).map(([step]) => step),
    labelledTime,
    rest: rest.replace(/https?:\/\/\S+/g, ' ').replace(GENERATION_ID, ' ').replace(EVERY_EMAIL, ' '),
  };
}

import type { MrkdwnElement, PlainTextElement } from '@slack/types';

/** Block Kit's limits (docs.slack.dev, reference/block-kit). */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  /** The `text` of chat.postMessage is cut by Slack past 40,000; a notification needs far less. */
  fallbackText: 3000,
} as const;

/**
 * Escapes Slack's three control characters, so that text a user wrote is shown as written: it
 * cannot ping (`<!channel>`), mention (`<@U1>`) or disguise a link (`<https://evil|bank>`).
 */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Cuts text to `max` characters (as Slack counts them, after escaping), ending with an ellipsis
 * and never inside an entity (`&am…`) or a surrogate pair.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = text.slice(0, Math.max(0, max - 1));
  head = head.replace(/&[a-z]{0,3}$/, '').replace(/[\uD800-\uDBFF]$/, '');
  return `${head}…`;
}

/** User text for a mrkdwn object: escaped, then cut. */
export const userText = (text: string, max: number) => cut(escapeSlack(text), max);

/**
 * A mrkdwn text object. `verbatim` stops Slack from turning bare URLs, `@here`, `@channel` and
 * `#channel` names in user text into links and mentions; explicit `<@U1>` written by the desk still
 * works.
 */
export const mrkdwn = (text: string, max: number = LIMITS.sectionText): MrkdwnElement => ({
  type: 'mrkdwn',
  text: cut(text, max) || ' ',
  verbatim: true,
});

export const plain = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: cut(text, max) || ' ', emoji: true });

/**
 * Text staff wrote in Slack, for the user: Slack's escapes undone, links and mentions turned into
 * words (`<https://x|label>` → `label (https://x)`, `<@U1>` → `@U1`).
 */
export function fromSlackText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, (_m, target: string, label: string) =>
      target.startsWith('mailto:') || target.startsWith('@') || target.startsWith('#') ? label : `${label} (${target})`,
    )
    .replace(/<([@#!])([^<>]+)>/g, (_m, sigil: string, id: string) => `${sigil === '!' ? '@' : sigil}${id}`)
    .replace(/<([^<>]+)>/g, (_m, target: string) => target.replace(/^mailto:/, ''))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** `2026-11-24 09:12 UTC`, and the same moment in a zone (`10:12 Europe/Berlin`) when one is known. */
export function formatWhen(iso: string | number, timezone?: string | null): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const utc = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (!timezone || timezone === 'UTC') return utc;
  const format = formatIn(timezone);
  return format ? `${utc} · ${format.format(date)} ${timezone}` : utc;
}

/** Building a formatter is costly (it loads the zone's rules): one per zone, kept; null for an unknown zone. */
const formats = new Map<string, Intl.DateTimeFormat | null>();
function formatIn(timezone: string): Intl.DateTimeFormat | null {
  let format = formats.get(timezone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, dateStyle: 'medium', timeStyle: 'short' });
    } catch {
      format = null;
    }
    if (formats.size < 1000) formats.set(timezone, format);
  }
  return format;
}

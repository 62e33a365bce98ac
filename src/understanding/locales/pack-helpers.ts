import type { Chrono, ParsedResult, Parser, ParsingReference } from 'chrono-node';
// From a locale entry: the package's main one would bring every language's parsers into the Worker.
import { ParsingComponents } from 'chrono-node/en';
import { own } from '../../core/own.ts';

/** A set of words, space-separated. */
export const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));
/** A lookup table: words and phrases, `|`-separated (prepared as messages are). */
export const list = (text: string): readonly string[] => text.split('|');

/** A word boundary that knows accented letters: JavaScript's `\b` does not ("a échoué"). */
const BOUNDARY = String.raw`(?:(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_])|(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_]))`;

/**
 * The pattern with `\b` and `\w` made Unicode-aware (and the `u` flag): written as English's are,
 * read for "échec", "reintenté", "Rückerstattung". (`\w` outside character classes only.)
 */
export function rx(pattern: RegExp): RegExp {
  const flags = pattern.flags.includes('u') ? pattern.flags : `${pattern.flags}u`;
  return new RegExp(pattern.source.replaceAll(String.raw`\b`, BOUNDARY).replaceAll(String.raw`\w`, String.raw`[\p{L}\p{N}_]`), flags);
}

/** A chrono-node parser of our own: the library's extension point, for what a locale's parser lacks. */
function parser(pattern: RegExp, extract: (match: RegExpMatchArray, reference: ParsingComponents['reference']) => ParsingComponents | Record<string, number> | null): Parser {
  return { pattern: () => pattern, extract: (context, match) => extract(match, context.reference) };
}

/**
 * "21h15", "às 9h", "15h": a clock time with "h", as French, Spanish and Portuguese write it
 * (chrono-node's es and pt parsers read only "21:15").
 */
export function clockWithH(prefix: string): Parser {
  const pattern = rx(new RegExp(String.raw`(?:${prefix}\s+)?\b([01]?\d|2[0-3])\s?h(?:\s?([0-5]\d)(?:\s?min)?)?(?![\p{L}\p{N}])`, 'i'));
  return parser(pattern, (m) => ({ hour: Number(m[1]), minute: Number(m[2] ?? 0) }));
}

/**
 * "hace 2 horas", "há uma hora", "faz 10 minutos": a time so long before the message.
 * `numbers`: number words ("una", "meia" as 0.5).
 */
export function timeAgo(pattern: RegExp, numbers: Readonly<Record<string, number>>): Parser {
  return parser(rx(pattern), (m, reference) => {
    const raw = (m[1] ?? '').toLowerCase();
    const n = own(numbers, raw) ?? Number(raw.replace(',', '.'));
    const unit = (m[2] ?? '').toLowerCase();
    if (!Number.isFinite(n)) return null;
    const minutes = unit.startsWith('h') || unit.startsWith('st') ? n * 60 : n;
    return ParsingComponents.createRelativeFromReference(reference, { minute: -Math.round(minutes) });
  });
}

/** "anoche", "ontem à noite": the day before, with no time of day (the hour said next to it keeps its own). */
export function dayBefore(pattern: RegExp): Parser {
  return parser(rx(pattern), (_m, reference) => {
    return ParsingComponents.createRelativeFromReference(reference, { day: -1 });
  });
}

/**
 * A locale's chrono-node parser with parsers of our own added. `notZones`: words of the language
 * that chrono-node would read as a time zone after a time ("um 14 Uhr ist…" is not India's IST,
 * "à 14h est…" not EST); blanked before parsing, at the same length.
 */
export function withParsers(base: Chrono, extra: readonly Parser[], notZones?: RegExp): (text: string, ref: ParsingReference) => ParsedResult[] {
  const chrono = base.clone();
  chrono.parsers.push(...extra);
  return (text, ref) => chrono.parse(notZones ? text.replace(notZones, (w) => ' '.repeat(w.length)) : text, ref);
}

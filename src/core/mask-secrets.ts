/**
 * Masks personal secrets in text a user wrote before it is stored or shown to staff: payment card
 * numbers (13–19 digits, spaces or dashes allowed, Luhn-valid) keep only their last four digits,
 * and whatever follows "password", "passcode", "pwd" or "pin" is replaced.
 */
export function maskSecrets(text: string): string {
  return maskPasswords(maskCardNumbers(text));
}

/** Digit groups joined by single spaces or dashes, not glued to a word (`gen_123` is an id). */
const DIGIT_RUN = /(?<!\w)\d+(?:[ -]\d+)*(?!\w)/g;
const GROUP = /\d+/g;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

interface Group {
  start: number;
  end: number;
  digits: string;
}

/** The longest Luhn-valid card made of whole groups starting at `first`: its last group and digits. */
function cardFrom(groups: readonly Group[], first: number): { last: number; digits: string } | null {
  let digits = '';
  let card: { last: number; digits: string } | null = null;
  for (let j = first; j < groups.length; j++) {
    digits += (groups[j] as Group).digits;
    if (digits.length > 19) break;
    if (digits.length >= 13 && luhnValid(digits)) card = { last: j, digits };
  }
  return card;
}

/*
 * A card is looked for inside each run of digit groups rather than as the whole run: users write
 * the card next to its expiry or security code ("4111 1111 1111 1111 123"), and the run as a whole
 * then fails Luhn although the card in it is plain to read.
 */
function maskCardsInRun(run: string): string {
  const groups: Group[] = [...run.matchAll(GROUP)].map((m) => ({ start: m.index, end: m.index + m[0].length, digits: m[0] }));
  let out = '';
  let cursor = 0;
  for (let i = 0; i < groups.length; ) {
    const card = cardFrom(groups, i);
    if (card === null) {
      i++;
      continue;
    }
    out += `${run.slice(cursor, (groups[i] as Group).start)}[card ending ${card.digits.slice(-4)}]`;
    cursor = (groups[card.last] as Group).end;
    i = card.last + 1;
  }
  return out + run.slice(cursor);
}

function maskCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, maskCardsInRun);
}

/** A quoted phrase (a password may hold spaces) or the next word. */
const SECRET = String.raw`"[^"\n]*"|'[^'\n]*'|“[^”\n]*”|\S+`;

// "password: hunter2", "my password is hunter2", "password is: hunter2", "pwd=hunter2", "PIN 1234".
// A bare "pass" only counts with ":" or "=" ("pass: x"), so that "can you pass this on" stays as written.
const PASSWORD = new RegExp(
  String.raw`\b(?:(pass(?:word|wd|code|phrase)|pwd|pin)(\s*(?:(?:is|was)\b\s*[:=-]?|[:=-])\s*|\s+)|(pass)(\s*[:=]\s*))(?:${SECRET})`,
  'gi',
);

function maskPasswords(text: string): string {
  return text.replace(
    PASSWORD,
    (_match, word: string | undefined, sep: string | undefined, bareWord: string | undefined, bareSep: string | undefined) =>
      `${word ?? bareWord ?? ''}${sep ?? bareSep ?? ''}[masked]`,
  );
}

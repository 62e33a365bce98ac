/**
 * Masks personal secrets in text a user wrote before it is stored or shown to staff: payment card
 * numbers (13–19 digits, spaces or dashes allowed, Luhn-valid) keep only their last four digits,
 * and whatever follows "password", "passcode" or "pin" is replaced.
 */
export function maskSecrets(text: string): string {
  return maskPasswords(maskCardNumbers(text));
}

const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

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

function maskCardNumbers(text: string): string {
  return text.replace(CARD_CANDIDATE, (match) => {
    const digits = match.replace(/\D/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return match;
    return `[card ending ${digits.slice(-4)}]`;
  });
}

// "password: hunter2", "my password is hunter2", "pwd=hunter2", "PIN 1234"
const PASSWORD = /\b(pass(?:word|wd|code|phrase)?|pwd|pin)(\s*(?:is|:|=|-)\s*|\s+)(["'“”]?)(\S+)\3/gi;

function maskPasswords(text: string): string {
  return text.replace(PASSWORD, (_match, word: string, sep: string) => `${word}${sep}[masked]`);
}

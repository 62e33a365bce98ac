import fc from 'fast-check';

/** The names of JavaScript's own properties: a plain object looked up by such a word finds a function. */
export const PROPERTY_NAMES: readonly string[] = [
  ...new Set([Object.prototype, Function.prototype, Array.prototype, String.prototype].flatMap((o) => Object.getOwnPropertyNames(o))),
];

/** Text of every kind: printable, full unicode, lone surrogates, control characters, Slack's own markup, JavaScript's property names. */
export const hostileText = (maxLength = 300) =>
  fc.oneof(
    fc.array(fc.constantFrom(...PROPERTY_NAMES), { minLength: 1, maxLength: 6 }).map((words) => words.join(' ').slice(0, maxLength)),
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength }),
    fc.constantFrom('<!channel>', '<!here|here>', '<@U0STAFF1>', '<https://evil.example|bank>', '&lt;&amp;&gt;', '*bold* _it_ `code`', '\u202eevil', ''),
  );

/** Whether a string holds half of a surrogate pair on its own (not Unicode text: refused: see chat-unicode.test.ts). */
export const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

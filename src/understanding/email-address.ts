/**
 * An email address in free text, as a RegExp source. It starts only where an address can start
 * (not inside a run of the characters it is made of), so a long run without an `@` is read once,
 * not once from each of its characters: 100 KB of "aaaa…" took seconds with the plain pattern.
 */
export const EMAIL_ADDRESS = String.raw`(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+`;

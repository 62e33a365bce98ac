const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_LENGTH = 20;

/** Random bytes drawn in blocks: one call to the system's generator serves a hundred ids. */
const pool = new Uint8Array(ID_LENGTH * 100);
let used = pool.length;

function randomByte(): number {
  // Drawn on first use, never at module load (Workers forbid randomness outside a request).
  if (used === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    used = 0;
  }
  const byte = pool[used] as number;
  // Each byte serves once: no two ids share randomness.
  pool[used++] = 0;
  return byte;
}

/** `n` random bytes from the pool (each byte is handed out once). */
export function pooledRandomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = randomByte();
  return bytes;
}

/** Characters of the time part: 45 bits of epoch milliseconds, enough until the year 3084. */
const TIME_LENGTH = 9;
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** The characters of the id being made (reused: ids are made one at a time). */
const idCodes: number[] = new Array(TIME_LENGTH + ID_LENGTH).fill(0);

/**
 * An id with a prefix (`out_0h2k9m3q4…`): the time in milliseconds (9 characters), then 20 random
 * characters of 32 (100 bits, from Web Crypto). The alphabet sorts as its values do, so ids sort by
 * creation time: rows keyed by them are appended to their index instead of scattered over it, and a
 * commit writes fewer pages. The random part keeps an id unguessable and unique within a millisecond.
 */
export function newId(prefix: string): string {
  // Character codes, then one string: appending a character at a time makes a string object per step.
  const codes = idCodes;
  for (let t = Date.now(), i = TIME_LENGTH - 1; i >= 0; i--, t = Math.floor(t / 32)) codes[i] = ALPHABET_CODES[t % 32] as number;
  for (let i = 0; i < ID_LENGTH; i++) codes[TIME_LENGTH + i] = ALPHABET_CODES[randomByte() & 31] as number;
  return `${prefix}_${String.fromCharCode.apply(null, codes)}`;
}

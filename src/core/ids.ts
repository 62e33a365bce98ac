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

/** A random id with a prefix (`out_5k2…`): 20 characters of 32 (100 bits), from Web Crypto. */
export function newId(prefix: string): string {
  let id = `${prefix}_`;
  for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[randomByte() & 31];
  return id;
}
